import type { Workflow } from '../model/schema'
import { type PreparedStart, passesFilter, startExecutor } from '../nodes/start/execute'
import { getPlan } from './plan'
import { runStarts } from './starts'

/**
 * Whether an incoming event is for this workflow (DESIGN §4 `start.filter`): false only when
 * every start node has a filter and each turns the event away. A filter that cannot be
 * evaluated (or a start that cannot run) lets the event in, so the run fails where it can be
 * seen instead of the event vanishing. Compiled once per workflow, like runs.
 */
export async function acceptsEvent(workflow: Workflow, event: unknown): Promise<boolean> {
  const plan = getPlan(workflow)
  if (plan.starts.length === 0) return true
  const scope = { event, steps: {}, vars: {} }
  // Events enter at the event triggers only: a schedule beside the start does not let them all in.
  for (const index of runStarts(plan, undefined)) {
    const node = plan.nodes[index]
    if (node.executor !== startExecutor || node.prepareError !== null) return true
    try {
      if (await passesFilter(node.prepared as PreparedStart, scope)) return true
    } catch {
      return true
    }
  }
  return false
}

/** Whether any start of the workflow has a filter (else every event is accepted without evaluating anything). */
export function hasEventFilter(workflow: Workflow): boolean {
  const plan = getPlan(workflow)
  return plan.starts.some((i) => plan.nodes[i].executor === startExecutor && plan.nodes[i].prepared !== null)
}
