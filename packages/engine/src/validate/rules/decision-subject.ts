import type { WorkflowNode } from '../../model/schema'
import type { Rule } from '../context'
import { describeNode } from '../context'
import { error } from '../issue'

/** The decision's subject expression, or null when it is missing or blank. */
export function subjectOf(node: WorkflowNode): string | null {
  const config = node.config
  if (config === null || typeof config !== 'object') return null
  const subject = (config as { subject?: unknown }).subject
  return typeof subject === 'string' && subject.trim() !== '' ? subject : null
}

/** A decision compares its subject with each branch label; without a subject there is nothing to compare. */
export const decisionSubject: Rule = (ctx, issues) => {
  const { nodes } = ctx.workflow
  for (let i = 0; i < nodes.length; i++) {
    if (ctx.kinds[i] !== 'decision' || subjectOf(nodes[i]) !== null) continue
    issues.push(
      error(
        'decision-missing-subject',
        `decision ${describeNode(nodes[i])} has no subject: set config.subject to the JSONata expression its branch labels are compared with (e.g. event.type)`,
        { nodeId: nodes[i].id },
      ),
    )
  }
}
