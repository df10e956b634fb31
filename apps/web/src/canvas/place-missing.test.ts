import { describe, expect, it } from 'vitest'
import type { Workflow } from '../lib/engine'
import { placeMissing } from './place-missing'

const graph: Workflow = {
  title: 't',
  description: '',
  groups: [{ id: 'G', title: 'Group' }],
  nodes: [
    { id: 'a', group: 'G', shape: 'rectangle', label: 'A', position: { x: 0, y: 0 } },
    { id: 'b', group: null, shape: 'rectangle', label: 'B', position: { x: 0, y: 200 } },
    { id: 'g', group: 'G', shape: 'rectangle', label: 'New in G' },
    { id: 'l', group: null, shape: 'circle', label: 'New loose' },
  ],
  edges: [],
}

describe('placing nodes that have no position', () => {
  it('keeps every placed node and puts the new ones beside them, not on them', () => {
    const out = placeMissing(graph)
    expect(out.nodes[0]).toBe(graph.nodes[0])
    expect(out.nodes[1]).toBe(graph.nodes[1])
    const g = out.nodes[2].position!
    const l = out.nodes[3].position!
    // Right of its group's nodes, on their row; the loose one below the whole graph.
    expect(g.y).toBe(0)
    expect(g.x).toBeGreaterThan(168)
    expect(l.y).toBeGreaterThan(200 + 56)
  })

  it('returns a fully placed graph as it is', () => {
    const placed = placeMissing(graph)
    expect(placeMissing(placed)).toBe(placed)
  })
})
