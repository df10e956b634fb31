import type { Services } from '../services'
import { hasEventFilter, type Workflow } from '../services/engine'

// Versions are immutable: a published version's model (or the fact that it filters nothing) is cached.
const models = new Map<string, Workflow | null>()
const LIMIT = 500

/**
 * Whether the published version's start filter lets the event in (DESIGN §4): a rejected
 * event is answered 200 {"skipped":true} and starts no run. Workflows without a filter cost
 * one lookup of the version, once. The filter is user JSONata, so it is evaluated on a run
 * thread under the step watchdog, never on this one; a filter that cannot be evaluated
 * lets the event in, and its run says what is wrong.
 */
export async function eventIsForWorkflow(
  services: Services,
  workflowId: string,
  version: number,
  event: unknown,
): Promise<boolean> {
  const key = `${workflowId}@${version}`
  let model = models.get(key)
  if (model === undefined) {
    const found = (await services.versions.get(workflowId, version)).model
    model = hasEventFilter(found) ? found : null
    if (models.size >= LIMIT) models.clear()
    models.set(key, model)
  }
  if (model === null) return true
  return services.pool.acceptsEvent(model, key, event).catch(() => true)
}
