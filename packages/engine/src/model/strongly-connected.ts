import type { Adjacency } from './adjacency'

export interface Components {
  /** Per node: its strongly connected component (numbered in reverse topological order). */
  component: Int32Array
  count: number
}

/**
 * Tarjan's strongly connected components with an explicit stack instead of recursion, so a
 * 10,000-node chain or loop cannot overflow the call stack. O(n + m).
 */
export function stronglyConnectedComponents(adj: Adjacency): Components {
  const n = adj.nodeCount
  const order = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const component = new Int32Array(n).fill(-1)
  const onStack = new Uint8Array(n)
  const stack = new Int32Array(n)
  const callNode = new Int32Array(n)
  const callEdge = new Int32Array(n)
  let sp = 0
  let counter = 0
  let count = 0
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue
    let depth = 0
    callNode[0] = root
    callEdge[0] = adj.outStart[root]
    order[root] = low[root] = counter++
    stack[sp++] = root
    onStack[root] = 1
    while (depth >= 0) {
      const v = callNode[depth]
      const k = callEdge[depth]
      if (k < adj.outStart[v + 1]) {
        callEdge[depth] = k + 1
        const w = adj.edgeTarget[adj.outEdges[k]]
        if (order[w] === -1) {
          order[w] = low[w] = counter++
          stack[sp++] = w
          onStack[w] = 1
          depth++
          callNode[depth] = w
          callEdge[depth] = adj.outStart[w]
        } else if (onStack[w] && order[w] < low[v]) low[v] = order[w]
        continue
      }
      if (low[v] === order[v]) {
        let w: number
        do {
          w = stack[--sp]
          onStack[w] = 0
          component[w] = count
        } while (w !== v)
        count++
      }
      depth--
      if (depth >= 0) {
        const parent = callNode[depth]
        if (low[v] < low[parent]) low[parent] = low[v]
      }
    }
  }
  return { component, count }
}
