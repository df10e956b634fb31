import { getNodeSpec } from '../nodes/specs'
import type { Workflow, WorkflowNode } from './schema'

/** How a node behaves when it has no explicit `type` (DESIGN §4), or its declared type. */
export type NodeKind = 'start' | 'end' | 'decision' | 'step'

export interface Degree {
  incoming: number
  outgoing: number
}

export function degrees(workflow: Workflow): Map<string, Degree> {
  const map = new Map<string, Degree>()
  for (const n of workflow.nodes) map.set(n.id, { incoming: 0, outgoing: 0 })
  for (const e of workflow.edges) {
    const s = map.get(e.source)
    if (s) s.outgoing++
    const t = map.get(e.target)
    if (t) t.incoming++
  }
  return map
}

/**
 * A node's kind: its type decides when it has one of the structural types or is a trigger
 * (its spec says `trigger`: start, schedule); otherwise the shape and degree do (circle
 * without incoming = start, circle without outgoing = end, diamond = decision, anything
 * else a step).
 */
export function nodeKind(node: WorkflowNode, degree: Degree | undefined): NodeKind {
  switch (node.type) {
    case 'end':
      return 'end'
    case 'decision':
      return 'decision'
    case undefined:
      break
    default:
      return getNodeSpec(node.type)?.trigger ? 'start' : 'step'
  }
  if (node.shape === 'diamond') return 'decision'
  if (node.shape === 'circle') {
    if (!degree || degree.incoming === 0) return 'start'
    if (degree.outgoing === 0) return 'end'
  }
  return 'step'
}

/** The executor type id a node runs as: explicit type, or the default for its kind. */
export function effectiveType(node: WorkflowNode, degree: Degree | undefined): string {
  if (node.type) return node.type
  const kind = nodeKind(node, degree)
  return kind === 'step' ? 'pass-through' : kind
}
