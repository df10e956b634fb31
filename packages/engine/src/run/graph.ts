import type { Adjacency } from '../model/adjacency'
import { stronglyConnectedComponents } from '../model/strongly-connected'

/**
 * Graph facts the executor needs once per workflow: which nodes the start can reach,
 * which edges close a cycle (back edges relative to the start), and which edges start
 * inside a loop (a strongly connected component with a cycle in it).
 */
export interface GraphFacts {
  reachable: Uint8Array
  /** Per edge: it closes a cycle, so firing it starts another pass of its target. */
  back: Uint8Array
  /** Per edge: its source is part of a loop (a strongly connected component with a cycle). */
  inLoop: Uint8Array
}

/** Iterative DFS from the starts in edge order: an edge into a node on the DFS stack is a back edge. */
function backEdges(adj: Adjacency, starts: readonly number[], edgeCount: number) {
  const state = new Uint8Array(adj.nodeCount) // 0 unseen, 1 on the stack, 2 done
  const back = new Uint8Array(edgeCount)
  const callNode = new Int32Array(adj.nodeCount)
  const callEdge = new Int32Array(adj.nodeCount)
  for (const start of starts) {
    if (state[start] !== 0) continue
    let depth = 0
    callNode[0] = start
    callEdge[0] = adj.outStart[start]
    state[start] = 1
    while (depth >= 0) {
      const v = callNode[depth]
      const k = callEdge[depth]
      if (k >= adj.outStart[v + 1]) {
        state[v] = 2
        depth--
        continue
      }
      callEdge[depth] = k + 1
      const e = adj.outEdges[k]
      const w = adj.edgeTarget[e]
      if (state[w] === 1) back[e] = 1
      else if (state[w] === 0) {
        state[w] = 1
        depth++
        callNode[depth] = w
        callEdge[depth] = adj.outStart[w]
      }
    }
  }
  const reachable = new Uint8Array(adj.nodeCount)
  for (let i = 0; i < adj.nodeCount; i++) reachable[i] = state[i] === 0 ? 0 : 1
  return { reachable, back }
}

export function analyzeGraph(adj: Adjacency, starts: readonly number[]): GraphFacts {
  const edgeCount = adj.edgeSource.length
  const { reachable, back } = backEdges(adj, starts, edgeCount)
  const { component, count } = stronglyConnectedComponents(adj)
  const size = new Int32Array(count)
  for (let i = 0; i < adj.nodeCount; i++) size[component[i]]++
  const cyclic = new Uint8Array(count)
  for (let c = 0; c < count; c++) cyclic[c] = size[c] > 1 ? 1 : 0
  for (let e = 0; e < edgeCount; e++) {
    const s = adj.edgeSource[e]
    if (s >= 0 && s === adj.edgeTarget[e]) cyclic[component[s]] = 1
  }
  const inLoop = new Uint8Array(edgeCount)
  for (let e = 0; e < edgeCount; e++) {
    const s = adj.edgeSource[e]
    if (s >= 0 && adj.edgeTarget[e] >= 0) inLoop[e] = cyclic[component[s]]
  }
  return { reachable, back, inLoop }
}
