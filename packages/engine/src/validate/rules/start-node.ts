import type { Rule } from '../context'
import { error } from '../issue'

/**
 * A trigger, and one event start at most: the node a Segment event enters through.
 * Schedules are triggers too, any number of them beside it (each run starts at one).
 */
export const startNode: Rule = (ctx, issues) => {
  const { starts, workflow } = ctx
  if (starts.length === 0) {
    issues.push(
      error(
        'start-missing',
        'no start node: add a circle without incoming edges (or a node of type start or schedule) as the trigger',
      ),
    )
    return
  }
  const events = starts.filter((i) => (ctx.specs[i]?.trigger ?? 'event') === 'event')
  if (events.length <= 1) return
  const ids = events.map((i) => workflow.nodes[i].id)
  const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, …` : ids.join(', ')
  for (const i of events.slice(1)) {
    const id = workflow.nodes[i].id
    issues.push(
      error(
        'start-multiple',
        `${events.length} start nodes (${shown}): a workflow has exactly one; give ${id} an incoming edge or remove it`,
        { nodeId: id },
      ),
    )
  }
}
