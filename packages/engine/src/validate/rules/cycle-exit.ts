import { stronglyConnectedComponents } from '../../model/strongly-connected'
import type { Rule } from '../context'
import { error } from '../issue'

/**
 * Loops are allowed (DESIGN §4: visit limits stop runaways), but a loop that no edge
 * leaves and that holds no end can only ever end by hitting a limit: an error.
 */
export const cycleExit: Rule = (ctx, issues) => {
  const { adj } = ctx
  const { nodes } = ctx.workflow
  const { component, count } = stronglyConnectedComponents(adj)
  const size = new Int32Array(count)
  const exits = new Uint8Array(count)
  const selfLoop = new Uint8Array(count)
  for (let i = 0; i < nodes.length; i++) {
    const c = component[i]
    size[c]++
    if (ctx.kinds[i] === 'end') exits[c] = 1
    for (let k = adj.outStart[i]; k < adj.outStart[i + 1]; k++) {
      const target = adj.edgeTarget[adj.outEdges[k]]
      if (component[target] !== c) exits[c] = 1
      else if (target === i) selfLoop[c] = 1
    }
  }
  const members = new Map<number, string[]>()
  for (let i = 0; i < nodes.length; i++) {
    const c = component[i]
    if (exits[c] || (size[c] < 2 && !selfLoop[c])) continue
    const list = members.get(c)
    if (list) list.push(nodes[i].id)
    else members.set(c, [nodes[i].id])
  }
  for (const ids of members.values()) {
    const shown = ids.length > 6 ? `${ids.slice(0, 6).join(', ')}, … (${ids.length} nodes)` : ids.join(', ')
    const what = ids.length === 1 ? `${ids[0]} loops back to itself` : `${shown} form a loop`
    issues.push(
      error(
        'cycle-without-exit',
        `${what} with no edge leading out and no end: a run entering it can never finish (add an exit, e.g. from a decision)`,
        { nodeId: ids[0] },
      ),
    )
  }
}
