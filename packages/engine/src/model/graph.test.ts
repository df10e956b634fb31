import { describe, expect, it } from 'vitest'
import { buildAdjacency } from './adjacency'
import { EdgeIdDeriver, freshEdgeId } from './edge-id'
import { reachableFrom } from './reachable'
import type { Workflow } from './schema'
import { stronglyConnectedComponents } from './strongly-connected'

function chain(n: number, extra: [number, number][] = []): Workflow {
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    group: null,
    shape: 'rectangle' as const,
    label: '',
  }))
  const pairs: [number, number][] = [
    ...Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number]),
    ...extra,
  ]
  const edges = pairs.map(([s, t], i) => ({
    id: `e${i}`,
    source: `n${s}`,
    sourceHandle: 'right' as const,
    target: `n${t}`,
    targetHandle: 'left' as const,
  }))
  return { title: '', description: '', groups: [], nodes, edges }
}

describe('graph helpers', () => {
  it('find strongly connected components without recursion, even for 100,000 nodes in one loop', () => {
    const loop = chain(100_000, [[99_999, 0]])
    const { component, count } = stronglyConnectedComponents(buildAdjacency(loop))
    expect(count).toBe(1)
    expect(component[0]).toBe(component[99_999])
    const { count: separate } = stronglyConnectedComponents(buildAdjacency(chain(5, [[3, 1]])))
    expect(separate).toBe(3)
  })

  it('compute reachability and ignore edges to missing nodes', () => {
    const w = chain(4)
    w.edges.push({ id: 'x', source: 'n3', sourceHandle: 'right', target: 'ghost', targetHandle: 'left' })
    const adj = buildAdjacency(w)
    expect(adj.edgeTarget[3]).toBe(-1)
    expect([...reachableFrom(adj, [1])]).toEqual([0, 1, 1, 1])
  })

  it('derive edge ids from their ends and number repeated pairs', () => {
    const ids = new EdgeIdDeriver()
    expect([ids.next('a', 'b'), ids.next('a', 'b'), ids.next('b', 'a')]).toEqual(['a->b', 'a->b#2', 'b->a'])
    expect(freshEdgeId('a', 'b', new Set(['a->b', 'a->b#2']))).toBe('a->b#3')
  })
})
