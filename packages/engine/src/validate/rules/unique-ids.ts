import type { Rule } from '../context'
import { error, warning } from '../issue'

/** Ids must be unique (models from the API or a hand-edited JSON may break this); groups must exist. */
export const uniqueIds: Rule = (ctx, issues) => {
  const { workflow } = ctx
  const nodes = new Set<string>()
  for (const node of workflow.nodes) {
    if (nodes.has(node.id))
      issues.push(
        error('duplicate-node-id', `node id ${node.id} is used by more than one node`, { nodeId: node.id }),
      )
    nodes.add(node.id)
  }
  const edges = new Set<string>()
  for (const edge of workflow.edges) {
    if (edges.has(edge.id))
      issues.push(
        error('duplicate-edge-id', `edge id ${edge.id} is used by more than one edge`, { edgeId: edge.id }),
      )
    edges.add(edge.id)
  }
  const groups = new Set(workflow.groups.map((g) => g.id))
  for (const node of workflow.nodes) {
    if (node.group !== null && !groups.has(node.group)) {
      issues.push(
        warning('unknown-group', `node ${node.id} belongs to group ${node.group}, which does not exist`, {
          nodeId: node.id,
        }),
      )
    }
  }
}
