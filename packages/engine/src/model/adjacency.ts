import type { Workflow } from './schema'

/**
 * The workflow graph in compressed sparse row form: for node i, its outgoing edge indices
 * are `outEdges[outStart[i] .. outStart[i + 1])` (incoming likewise). Built once in O(n + m)
 * with typed arrays, so analyses of 10,000-node workflows stay in the millisecond range.
 * Edges whose source or target does not exist are left out (their index is still valid
 * in `edgeSource`/`edgeTarget`, as -1).
 */
export interface Adjacency {
  nodeCount: number
  /** Node id → index of its first occurrence. */
  index: Map<string, number>
  /** Indices of nodes whose id an earlier node already has. */
  duplicateNodes: number[]
  edgeSource: Int32Array
  edgeTarget: Int32Array
  outStart: Int32Array
  outEdges: Int32Array
  inStart: Int32Array
  inEdges: Int32Array
}

export function buildAdjacency(workflow: Workflow): Adjacency {
  const n = workflow.nodes.length
  const m = workflow.edges.length
  const index = new Map<string, number>()
  const duplicateNodes: number[] = []
  for (let i = 0; i < n; i++) {
    const id = workflow.nodes[i].id
    const size = index.size
    // One hash operation per node; a duplicate (size unchanged) gets its first index back.
    index.set(id, i)
    if (index.size === size) {
      index.set(
        id,
        workflow.nodes.findIndex((node) => node.id === id),
      )
      duplicateNodes.push(i)
    }
  }
  const edgeSource = new Int32Array(m)
  const edgeTarget = new Int32Array(m)
  const outStart = new Int32Array(n + 1)
  const inStart = new Int32Array(n + 1)
  for (let e = 0; e < m; e++) {
    const edge = workflow.edges[e]
    const s = index.get(edge.source) ?? -1
    const t = index.get(edge.target) ?? -1
    edgeSource[e] = s
    edgeTarget[e] = t
    if (s >= 0 && t >= 0) {
      outStart[s + 1]++
      inStart[t + 1]++
    }
  }
  for (let i = 0; i < n; i++) {
    outStart[i + 1] += outStart[i]
    inStart[i + 1] += inStart[i]
  }
  const outEdges = new Int32Array(outStart[n])
  const inEdges = new Int32Array(inStart[n])
  const outFill = outStart.slice(0, n)
  const inFill = inStart.slice(0, n)
  for (let e = 0; e < m; e++) {
    const s = edgeSource[e]
    const t = edgeTarget[e]
    if (s < 0 || t < 0) continue
    outEdges[outFill[s]++] = e
    inEdges[inFill[t]++] = e
  }
  return { nodeCount: n, index, duplicateNodes, edgeSource, edgeTarget, outStart, outEdges, inStart, inEdges }
}

export function outDegree(adj: Adjacency, node: number): number {
  return adj.outStart[node + 1] - adj.outStart[node]
}

export function inDegree(adj: Adjacency, node: number): number {
  return adj.inStart[node + 1] - adj.inStart[node]
}
