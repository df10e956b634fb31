import type { Rule } from '../context'
import { describeNode } from '../context'
import { warning } from '../issue'

/** Nodes the start cannot reach never run: probably a missing edge. */
export const unreachableNodes: Rule = (ctx, issues) => {
  if (ctx.starts.length === 0) return
  const { nodes } = ctx.workflow
  for (let i = 0; i < nodes.length; i++) {
    if (ctx.reachable[i]) continue
    issues.push(
      warning(
        'node-unreachable',
        `${describeNode(nodes[i])} is not reachable from the start and will never run`,
        { nodeId: nodes[i].id },
      ),
    )
  }
}
