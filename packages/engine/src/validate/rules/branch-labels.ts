import type { Rule } from '../context'
import { describeNode } from '../context'
import { error, warning } from '../issue'

/**
 * Types with a fixed set of branches (`spec.branchLabels`: A/B variants …): every outgoing
 * edge is labelled with one of them, and a branch without an edge is worth a warning (the
 * run would fail when it is taken).
 */
export const branchLabels: Rule = (ctx, issues) => {
  const { nodes, edges } = ctx.workflow
  const { adj } = ctx
  for (let i = 0; i < nodes.length; i++) {
    const spec = ctx.specs[i]
    if (!spec?.branchLabels) continue
    const parsed = spec.configSchema.safeParse(nodes[i].config ?? spec.defaultConfig)
    if (!parsed.success) continue // the config rule reports it
    const allowed = spec.branchLabels(parsed.data)
    const node = nodes[i]
    const used = new Set<string>()
    for (let k = adj.outStart[i]; k < adj.outStart[i + 1]; k++) {
      const edge = edges[adj.outEdges[k]]
      const label = (edge.label ?? '').trim()
      used.add(label)
      if (!allowed.includes(label))
        issues.push(
          error(
            'branch-label-unknown',
            `edge ${edge.id} leaves ${describeNode(node)} ${label === '' ? 'without a label' : `labelled "${label}"`}: label it with one of its branches (${allowed.map((l) => `"${l}"`).join(', ')})`,
            { nodeId: node.id, edgeId: edge.id },
          ),
        )
    }
    const missing = allowed.filter((l) => !used.has(l))
    if (missing.length > 0)
      issues.push(
        warning(
          'branch-missing',
          `${describeNode(node)} has no edge for branch ${missing.map((l) => `"${l}"`).join(', ')}: a run that takes it fails there`,
          { nodeId: node.id },
        ),
      )
  }
}
