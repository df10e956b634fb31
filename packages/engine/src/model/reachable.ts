import type { Adjacency } from './adjacency'

/** Nodes reachable from `starts` along edges (breadth first, no recursion): 1 = reached. */
export function reachableFrom(adj: Adjacency, starts: readonly number[]): Uint8Array {
  const seen = new Uint8Array(adj.nodeCount)
  const queue = new Int32Array(adj.nodeCount)
  let head = 0
  let tail = 0
  for (const s of starts) {
    if (seen[s]) continue
    seen[s] = 1
    queue[tail++] = s
  }
  while (head < tail) {
    const node = queue[head++]
    for (let k = adj.outStart[node]; k < adj.outStart[node + 1]; k++) {
      const next = adj.edgeTarget[adj.outEdges[k]]
      if (seen[next]) continue
      seen[next] = 1
      queue[tail++] = next
    }
  }
  return seen
}
