import { isErrorLabel } from '../../nodes/shared/spec-fields'
import { routesOne } from '../../nodes/spec'
import type { Rule } from '../context'
import { warning } from '../issue'

const onErrorOf = (config: unknown): unknown =>
  config && typeof config === 'object' && !Array.isArray(config)
    ? (config as { onError?: unknown }).onError
    : undefined

/**
 * An `error` edge only runs when its source continues on errors; a step that continues
 * without one ends its branch on a failure. Edges of `routing: 'one'` types are branches,
 * where "error" is just a label.
 */
export const errorBranches: Rule = (ctx, issues) => {
  const { nodes, edges } = ctx.workflow
  const { adj } = ctx
  const withErrorEdge = new Uint8Array(nodes.length)
  for (let e = 0; e < edges.length; e++) {
    const source = adj.edgeSource[e]
    const edge = edges[e]
    if (source < 0 || !isErrorLabel(edge.label) || routesOne(ctx.specs[source])) continue
    withErrorEdge[source] = 1
    const node = nodes[source]
    if (onErrorOf(node.config) !== 'continue')
      issues.push(
        warning(
          'error-edge-unused',
          `edge ${edge.id} is labelled "error", but ${node.id} does not continue on errors, so it never runs: set ${node.id}'s onError to "continue"`,
          { nodeId: node.id, edgeId: edge.id },
        ),
      )
  }
  for (let i = 0; i < nodes.length; i++) {
    if (onErrorOf(nodes[i].config) !== 'continue' || withErrorEdge[i]) continue
    issues.push(
      warning(
        'error-branch-missing',
        `${nodes[i].id} continues on errors but has no outgoing edge labelled "error": after a failure its branch ends there`,
        { nodeId: nodes[i].id },
      ),
    )
  }
}
