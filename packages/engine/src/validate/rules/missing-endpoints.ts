import type { Rule } from '../context'
import { error } from '../issue'

/** Edges must connect existing nodes (the notation guarantees it; JSON models may not). */
export const missingEndpoints: Rule = (ctx, issues) => {
  const { adj, workflow } = ctx
  for (let e = 0; e < workflow.edges.length; e++) {
    const edge = workflow.edges[e]
    const missing = [
      adj.edgeSource[e] < 0 ? edge.source : null,
      adj.edgeTarget[e] < 0 ? edge.target : null,
    ].filter((id): id is string => id !== null)
    if (missing.length === 0) continue
    const what =
      missing.length === 2
        ? `nodes ${missing[0]} and ${missing[1]} do not exist`
        : `node ${missing[0]} does not exist`
    issues.push(
      error('edge-missing-node', `edge ${edge.id} connects ${edge.source} to ${edge.target}, but ${what}`, {
        edgeId: edge.id,
      }),
    )
  }
}
