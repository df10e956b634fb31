import { nodeSpecs } from '../../nodes/specs'
import type { Rule } from '../context'
import { error } from '../issue'

/** A type no executor knows fails every run that reaches it. */
export const nodeTypes: Rule = (ctx, issues) => {
  const { nodes } = ctx.workflow
  for (let i = 0; i < nodes.length; i++) {
    if (ctx.specs[i] !== undefined) continue
    const known = nodeSpecs.map((s) => s.id).join(', ')
    issues.push(
      error(
        'unknown-node-type',
        `${nodes[i].id} has the unknown type "${ctx.types[i]}": expected one of ${known}`,
        { nodeId: nodes[i].id },
      ),
    )
  }
}
