import { at, emit, type Run } from './context'
import { ruleOut } from './flow'
import type { Plan } from './plan'

/**
 * Where a run enters the workflow (DESIGN §4). A workflow may have several triggers: one
 * Segment-event `start` and any number of `schedule`s. A run starts at one of them: the node
 * `RunOptions.startAt` names (the scheduler names the schedule that fired), else the event
 * triggers, else, in a workflow with no event trigger (only schedules), every trigger, so a
 * test run of a scheduled workflow still has somewhere to begin.
 */

const firedByEvents = (plan: Plan, index: number) => (plan.nodes[index].spec?.trigger ?? 'event') === 'event'

export function runStarts(plan: Plan, startAt: string | undefined): number[] {
  if (startAt !== undefined) {
    const index = plan.byId.get(startAt)
    return index !== undefined && plan.starts.includes(index) ? [index] : []
  }
  const events = plan.starts.filter((i) => firedByEvents(plan, i))
  // A copy: the run queue is consumed, and the plan is shared by every run of the workflow.
  return events.length > 0 ? events : plan.starts.slice()
}

/** Why `startAt` cannot start a run, or null. */
export function startAtProblem(plan: Plan, startAt: string | undefined): string | null {
  if (startAt === undefined) return null
  const index = plan.byId.get(startAt)
  if (index === undefined) return `the run starts at "${startAt}", but the workflow has no such node`
  if (!plan.starts.includes(index)) return `the run starts at "${startAt}", which is not a trigger`
  return null
}

/**
 * The triggers this run does not start at are skipped and their edges ruled out, so the
 * canvas shows them as not taken and a node joining both paths runs without waiting.
 */
export function skipOtherTriggers(run: Run): void {
  const { plan, s } = run
  if (plan.starts.length === s.queue.length) return
  for (const index of plan.starts) {
    if (s.queue.includes(index)) continue
    const node = plan.nodes[index]
    s.results[node.id] = { status: 'skipped', durationMs: 0, visits: 0 }
    if (run.tracing)
      emit(run, { type: 'node.skipped', runId: s.runId, at: at(run), nodeId: node.id, reason: 'ruled-out' })
    for (const edge of node.out) ruleOut(run, edge)
  }
}
