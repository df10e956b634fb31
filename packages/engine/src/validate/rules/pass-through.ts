import type { Rule } from '../context'
import { describeNode } from '../context'
import { warning } from '../issue'

/** DESIGN §4: an untyped rectangle runs as a pass-through, which is rarely what was meant. */
export const passThroughSteps: Rule = (ctx, issues) => {
  const { nodes } = ctx.workflow
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]
    if (node.type !== undefined || node.shape !== 'rectangle' || ctx.kinds[i] !== 'step') continue
    issues.push(
      warning(
        'pass-through-step',
        `${describeNode(node)} has no type: it runs as a pass-through step and does nothing`,
        { nodeId: node.id },
      ),
    )
  }
}
