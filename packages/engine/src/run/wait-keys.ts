import type { Workflow } from '../model/schema'
import { incomingKey, type PreparedWaitForEvent, waitForEventExecutor } from '../nodes/wait-for-event/execute'
import { getPlan } from './plan'

/**
 * For an event arriving at a workflow: per wait-for-event step (by id), the correlation key
 * under which it resumes runs waiting there, or null when the step's filter turns it away (or
 * it has no key). Steps that are not wait-for-event steps, or cannot be compiled, give null.
 */
export async function incomingWaitKeys(
  workflow: Workflow,
  nodeIds: readonly string[],
  event: unknown,
): Promise<Record<string, string | null>> {
  const plan = getPlan(workflow)
  const keys: Record<string, string | null> = {}
  for (const id of nodeIds) {
    const index = plan.byId.get(id)
    const node = index === undefined ? undefined : plan.nodes[index]
    keys[id] = null
    if (!node || node.executor !== waitForEventExecutor || node.prepareError !== null) continue
    try {
      keys[id] = await incomingKey(node.prepared as PreparedWaitForEvent, event)
    } catch {
      // An event the filter cannot judge (a missing field in arithmetic…) resumes nothing.
    }
  }
  return keys
}
