import { describe, expect, it } from 'vitest'
import { roundedPath } from './edge-path'

describe('roundedPath', () => {
  it('rounds the corners of an orthogonal route and puts the label halfway along it', () => {
    const [d, x, y] = roundedPath(
      [
        { x: 0, y: 0 },
        { x: 0, y: 40 },
        { x: 100, y: 40 },
        { x: 100, y: 80 },
      ],
      10,
    )
    expect(d).toBe('M 0,0 L 0,30 Q 0,40 10,40 L 90,40 Q 100,40 100,50 L 100,80')
    expect([x, y]).toEqual([50, 40])
  })

  it('straightens jogs of a pixel or two and drops points in the middle of a straight run', () => {
    const [d] = roundedPath(
      [
        { x: 0, y: 0 },
        { x: 1, y: 20 },
        { x: 0, y: 40 },
        { x: 60, y: 40 },
      ],
      10,
    )
    expect(d).toBe('M 0,0 L 0,30 Q 0,40 10,40 L 60,40')
  })

  it('keeps both ends on their handles when they are a pixel or two apart (never a flat line)', () => {
    const [d] = roundedPath(
      [
        { x: 122, y: 238 },
        { x: 186, y: 240 },
      ],
      10,
    )
    expect(d).toBe('M 122,238 L 186,240')
  })
})
