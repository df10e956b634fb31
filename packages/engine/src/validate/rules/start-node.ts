import type { Rule } from '../context'
import { error } from '../issue'

/** Exactly one start: the trigger a Segment event enters through. */
export const startNode: Rule = (ctx, issues) => {
  const { starts, workflow } = ctx
  if (starts.length === 0) {
    issues.push(
      error(
        'start-missing',
        'no start node: add a circle without incoming edges (or a node of type start) as the trigger',
      ),
    )
    return
  }
  if (starts.length === 1) return
  const ids = starts.map((i) => workflow.nodes[i].id)
  const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, …` : ids.join(', ')
  for (const i of starts.slice(1)) {
    const id = workflow.nodes[i].id
    issues.push(
      error(
        'start-multiple',
        `${starts.length} start nodes (${shown}): a workflow has exactly one; give ${id} an incoming edge or remove it`,
        { nodeId: id },
      ),
    )
  }
}
