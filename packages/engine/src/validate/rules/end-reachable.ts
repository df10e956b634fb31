import type { Rule } from '../context'
import { error } from '../issue'

/** Some end must be reachable from the start, or no run can ever finish normally. */
export const endReachable: Rule = (ctx, issues) => {
  if (ctx.starts.length === 0) return
  let anyEnd = false
  for (let i = 0; i < ctx.kinds.length; i++) {
    if (ctx.kinds[i] !== 'end') continue
    anyEnd = true
    if (ctx.reachable[i]) return
  }
  const start = ctx.workflow.nodes[ctx.starts[0]].id
  const message = anyEnd
    ? `no end node is reachable from the start ${start}: connect a path to an end`
    : 'no end node: add a circle without outgoing edges (or a node of type end)'
  issues.push(error('end-unreachable', message, { nodeId: start }))
}
