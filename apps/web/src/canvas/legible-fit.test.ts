import { describe, expect, it } from 'vitest'
import { LEGIBLE_ZOOM, legibleViewport, WHOLE_FIT_MIN } from './legible-fit'

const pad = { top: 10, right: 10, bottom: 10, left: 10 }

describe('the zoom a canvas opens at', () => {
  it('shows a graph that fits whole, centred, never above 1:1', () => {
    const v = legibleViewport({ x: 0, y: 0, width: 400, height: 200 }, { width: 820, height: 620 }, pad)
    expect(v.zoom).toBe(1)
    expect(v.x).toBe(10 + (800 - 400) / 2)
    expect(v.y).toBe(10 + (600 - 200) / 2)
  })

  it('shows a graph whole down to WHOLE_FIT_MIN', () => {
    const v = legibleViewport({ x: 0, y: 0, width: 1000, height: 600 }, { width: 820, height: 620 }, pad)
    expect(v.zoom).toBeCloseTo(0.8)
    expect(v.zoom).toBeGreaterThanOrEqual(WHOLE_FIT_MIN)
  })

  it('past that opens at a legible zoom, showing where the graph starts', () => {
    const v = legibleViewport({ x: 100, y: 50, width: 3000, height: 500 }, { width: 820, height: 620 }, pad)
    expect(v.zoom).toBe(LEGIBLE_ZOOM)
    // The left edge of the graph at the left padding; the height, which fits, centred.
    expect(v.x + 100 * v.zoom).toBeCloseTo(10)
    expect(v.y + 50 * v.zoom).toBeCloseTo(10 + (600 - 500 * LEGIBLE_ZOOM) / 2)
  })
})
