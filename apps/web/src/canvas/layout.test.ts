import { describe, expect, it } from 'vitest'
import type { Workflow } from '../lib/engine'
import { sampleWorkflow } from '../test/fixtures'
import { groupRects, nodeSize } from './adapters'
import { autoLayout, dominantDirection } from './layout'

const overlaps = (a: { x: number; y: number; w: number; h: number }, b: typeof a) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

describe('auto-layout', () => {
  it('places every node, without overlaps, groups not overlapping each other', async () => {
    const model: Workflow = {
      ...sampleWorkflow(),
      nodes: sampleWorkflow().nodes.map(({ position: _, ...n }) => n),
    }
    const laid = await autoLayout(model)
    expect(laid.nodes.every((n) => n.position)).toBe(true)
    const boxes = laid.nodes.map((n) => ({ ...n.position!, w: nodeSize(n).width, h: nodeSize(n).height }))
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i], boxes[j])).toBe(false)
    const [a, b] = [...groupRects(laid).values()].map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height }))
    expect(overlaps(a, b)).toBe(false)
  })

  it('follows the handle sides: right→left edges read left to right', async () => {
    const laid = await autoLayout({
      ...sampleWorkflow(),
      nodes: sampleWorkflow().nodes.map(({ position: _, ...n }) => n),
    })
    const x = (id: string) => laid.nodes.find((n) => n.id === id)!.position!.x
    expect(x('n2')).toBeGreaterThan(x('n1'))
    expect(dominantDirection(sampleWorkflow().edges, 'DOWN')).toBe('RIGHT')
  })
})
