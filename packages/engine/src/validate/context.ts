import { type Adjacency, buildAdjacency, inDegree, outDegree } from '../model/adjacency'
import { type Degree, effectiveType, type NodeKind, nodeKind } from '../model/node-kind'
import { reachableFrom } from '../model/reachable'
import type { Workflow, WorkflowNode } from '../model/schema'
import type { NodeSpec } from '../nodes/spec'
import { getNodeSpec } from '../nodes/specs'
import type { Issue } from './issue'

/**
 * Everything rules share, computed once per validation: adjacency, each node's kind,
 * effective type and spec, and what the start reaches. Rules then run in O(n + m).
 */
export interface ValidationContext {
  workflow: Workflow
  adj: Adjacency
  kinds: NodeKind[]
  types: string[]
  specs: (NodeSpec | undefined)[]
  starts: number[]
  /** 1 when the node is reachable from a start (all 0 when there is no start). */
  reachable: Uint8Array
}

export type Rule = (ctx: ValidationContext, issues: Issue[]) => void

export function createContext(workflow: Workflow): ValidationContext {
  const adj = buildAdjacency(workflow)
  const n = workflow.nodes.length
  const kinds: NodeKind[] = new Array(n)
  const types: string[] = new Array(n)
  const specs: (NodeSpec | undefined)[] = new Array(n)
  const starts: number[] = []
  const degree: Degree = { incoming: 0, outgoing: 0 }
  for (let i = 0; i < n; i++) {
    const node = workflow.nodes[i]
    degree.incoming = inDegree(adj, i)
    degree.outgoing = outDegree(adj, i)
    kinds[i] = nodeKind(node, degree)
    types[i] = effectiveType(node, degree)
    specs[i] = getNodeSpec(types[i])
    if (kinds[i] === 'start') starts.push(i)
  }
  return { workflow, adj, kinds, types, specs, starts, reachable: reachableFrom(adj, starts) }
}

/** `n4 ("Event type?")`: the id users search for, plus the label they see on the canvas. */
export function describeNode(node: WorkflowNode): string {
  return node.label.trim() === '' ? node.id : `${node.id} (${JSON.stringify(node.label)})`
}
