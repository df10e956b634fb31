import { type Condition, type ConditionParse, parseCondition } from '../expressions/conditions'
import type { WorkflowEdge } from '../model/schema'
import type { ValidationContext } from './context'

export interface BranchInfo {
  edge: WorkflowEdge
  /** Null when the label is missing or does not parse (reported by the branch rule). */
  condition: Condition | null
  error: string | null
}

export interface DecisionInfo {
  node: number
  branches: BranchInfo[]
}

const cache = new WeakMap<ValidationContext, DecisionInfo[]>()

/** Each decision's outgoing edges with their labels parsed once, shared by the decision rules. */
export function decisions(ctx: ValidationContext): DecisionInfo[] {
  const hit = cache.get(ctx)
  if (hit) return hit
  const list: DecisionInfo[] = []
  const { adj, workflow } = ctx
  // Labels repeat ("else", "> 0.7"): parse each distinct one once.
  const parsedLabels = new Map<string, ConditionParse>()
  for (let i = 0; i < ctx.kinds.length; i++) {
    if (ctx.kinds[i] !== 'decision') continue
    const branches: BranchInfo[] = []
    for (let k = adj.outStart[i]; k < adj.outStart[i + 1]; k++) {
      const edge = workflow.edges[adj.outEdges[k]]
      if (edge.label === undefined || edge.label.trim() === '') {
        branches.push({ edge, condition: null, error: null })
        continue
      }
      let parsed = parsedLabels.get(edge.label)
      if (parsed === undefined) {
        parsed = parseCondition(edge.label)
        parsedLabels.set(edge.label, parsed)
      }
      branches.push(
        parsed.ok
          ? { edge, condition: parsed.condition, error: null }
          : { edge, condition: null, error: parsed.error },
      )
    }
    list.push({ node: i, branches })
  }
  cache.set(ctx, list)
  return list
}
