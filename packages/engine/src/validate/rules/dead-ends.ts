import { outDegree } from '../../model/adjacency'
import type { Rule } from '../context'
import { describeNode } from '../context'
import { error } from '../issue'

/** A step without outgoing edges stops the run without reaching an end. Decisions have their own rule. */
export const deadEnds: Rule = (ctx, issues) => {
  const { nodes } = ctx.workflow
  for (let i = 0; i < nodes.length; i++) {
    const kind = ctx.kinds[i]
    if (kind === 'end' || kind === 'decision' || outDegree(ctx.adj, i) > 0) continue
    issues.push(
      error(
        'dead-end',
        `${describeNode(nodes[i])} has no outgoing edge: connect it onward, or make it an end`,
        { nodeId: nodes[i].id },
      ),
    )
  }
}
