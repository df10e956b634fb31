import type { Workflow } from '../model/schema'
import type { StepOutcome, Wake } from '../nodes/types'
import { at, computeMs, createRun, createState, emit, type Run } from './context'
import { settle } from './flow'
import { getPlan } from './plan'
import { maskResult } from './secrets'
import { skipOtherTriggers, startAtProblem } from './starts'
import { complete, endIfCancelled, finishRun, step, timedOut, timeLimitMessage } from './step'
import type { TraceEvent } from './trace'
import type { RunOptions, RunResult, RunState } from './types'

export type { RunLimits, RunOptions, RunResult, RunState, StepResult } from './types'
export { DEFAULT_LIMITS } from './types'

/** A live side-effect step is about to run and nothing since the last checkpoint is stored. */
function needsCheckpoint(run: Run, index: number): boolean {
  const { s } = run
  if (!run.checkpoint || s.dryRun || run.checkpointedAt === s.stepCount) return false
  const node = run.plan.nodes[index]
  return node.sideEffect && !(run.mocks && Object.hasOwn(run.mocks, node.id))
}

/** Run steps synchronously until one has to wait for I/O (returned) or the run stops. */
function advance(run: Run): Promise<void> | undefined {
  const { s } = run
  while (s.status === 'running') {
    if (endIfCancelled(run)) return
    if (s.queue.length === 0 && !settle(run)) {
      finishRun(run, 'succeeded')
      return
    }
    if (computeMs(run) > run.limits.timeoutMs) {
      finishRun(run, 'failed', timeLimitMessage(run))
      return
    }
    if (needsCheckpoint(run, s.queue[0])) {
      // Side-effect-free steps since the last checkpoint are stored together with this one.
      run.checkpointedAt = s.stepCount
      run.unsaved = false
      const stored = run.checkpoint!(s, true)
      if (stored) return stored
    } else if (run.unsaved && run.checkpoint) {
      // What a slow step (an API call) produced is kept without holding the run up.
      run.checkpointedAt = s.stepCount
      run.unsaved = false
      void run.checkpoint(s, false)
    }
    const pending = step(run, s.queue.shift()!)
    if (pending) return pending
  }
}

async function drive(run: Run): Promise<RunResult> {
  try {
    let pending = advance(run)
    while (pending) {
      const waitedFrom = performance.now()
      await pending
      // A step (not a checkpoint) waited long for I/O: what it got is worth keeping.
      const slow = performance.now() - waitedFrom >= run.checkpointAfterMs
      if (slow && run.checkpointedAt !== run.s.stepCount) run.unsaved = true
      pending = advance(run)
    }
  } catch (err) {
    // Only a bug in the engine gets here; the run still ends with a status, not a rejection.
    if (run.s.status === 'running')
      finishRun(run, 'failed', `internal error: ${(err as Error)?.message ?? String(err)}`)
  }
  return result(run)
}

function result(run: Run): RunResult {
  const { s } = run
  const r: RunResult = {
    runId: s.runId,
    status: s.status === 'running' ? 'failed' : s.status,
    steps: s.results,
    vars: s.vars,
    durationMs: s.activeMs,
  }
  if (s.error !== undefined) r.error = s.error
  if (run.events) r.events = run.events
  if (s.status === 'suspended' && s.waiting) {
    r.state = s
    if (s.waiting.until !== null) r.resumeAt = new Date(s.waiting.until).toISOString()
    if (s.waiting.for) r.waitingFor = s.waiting.for
  }
  return maskResult(r, s.secrets)
}

function startProblem(run: Run, options: RunOptions): string | null {
  const { plan } = run
  const event = options.event
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return 'the event must be a JSON object (a Segment event)'
  }
  if (plan.starts.length === 0) return 'the workflow has no start node (a circle without incoming edges)'
  const startAt = startAtProblem(plan, options.startAt)
  if (startAt) return startAt
  for (const id of Object.keys(options.mocks ?? {})) {
    if (!plan.byId.has(id)) return `there is a mock for "${id}", but the workflow has no such node`
  }
  return null
}

/** Run a workflow for one event (DESIGN §4). Never rejects: failures are in the result. */
export async function runWorkflow(workflow: Workflow, options: RunOptions): Promise<RunResult> {
  const plan = getPlan(workflow)
  const run = createRun(plan, createState(plan, options), options)
  if (run.tracing) {
    emit(run, {
      type: 'run.started',
      runId: run.s.runId,
      at: at(run),
      workflowTitle: workflow.title,
      dryRun: run.s.dryRun,
      event: options.event,
    })
  }
  const problem = startProblem(run, options)
  if (problem) {
    finishRun(run, 'failed', problem)
    return result(run)
  }
  skipOtherTriggers(run)
  return drive(run)
}

export type ResumeOptions = Omit<RunOptions, 'event' | 'runId' | 'dryRun' | 'skipWaits' | 'askAtWaits'> & {
  /**
   * What a run waiting for an event or a decision was waiting for: the step finishes with
   * this branch and output, whatever the clock says.
   */
  wake?: Wake
}

/**
 * Continue a run from stored state: one suspended at a wait (what the suspended RunResult
 * carried; called before the wait is over, it stays suspended), or a checkpoint of a run
 * whose process stopped (`RunOptions.checkpoint`), which goes on after its last stored step.
 * `state` is copied, not changed.
 */
export async function resumeRun(
  workflow: Workflow,
  state: RunState,
  options: ResumeOptions = {},
): Promise<RunResult> {
  const plan = getPlan(workflow)
  const s = structuredClone(state)
  const run = createRun(plan, s, Object.assign({}, options, { event: s.event }))
  const ids = plan.nodes.map((n) => n.id)
  const checkpoint = s.status === 'running'
  if (s.version !== 1 || !(checkpoint || (s.status === 'suspended' && s.waiting))) {
    throw new Error(`run ${s.runId} is not suspended (status ${s.status})`)
  }
  if (ids.length !== s.nodeIds.length || ids.some((id, i) => id !== s.nodeIds[i])) {
    throw new Error(`run ${s.runId} was suspended on a different version of the workflow`)
  }
  if (checkpoint) {
    if (run.tracing) emit(run, { type: 'run.resumed', runId: s.runId, at: at(run), reason: 'restart' })
    run.checkpointedAt = s.stepCount
    return drive(run)
  }
  if (!s.waiting) throw new Error(`run ${s.runId} is not suspended (status ${s.status})`)
  const { node: index, until, since } = s.waiting
  const waitFor = s.waiting.for
  const wake = options.wake
  if (wake && !waitFor) throw new Error(`run ${s.runId} waits for a time, not for an event or a decision`)
  if (!wake && (until === null || run.now() < until)) return result(run)
  const node = plan.nodes[index]
  s.status = 'running'
  s.waiting = undefined
  const waitedMs = run.now() - since
  const outcome: StepOutcome = wake
    ? { output: wake.output, branch: wake.branch }
    : waitFor
      ? timedOut(waitedMs, until!)
      : { output: { waitedMs, until: new Date(until!).toISOString() } }
  if (run.tracing) {
    const event: TraceEvent = {
      type: 'run.resumed',
      runId: s.runId,
      at: at(run),
      nodeId: node.id,
      reason: wake ? wake.reason : waitFor ? 'timeout' : 'wait',
    }
    if (outcome.branch !== undefined) event.branch = outcome.branch
    if (wake?.by) event.by = wake.by
    emit(run, event)
  }
  const from = s.inputFrom[index]
  const input = from < 0 ? s.event : s.steps[plan.nodes[from].id]
  complete(run, node, outcome, performance.now(), input, false)
  return drive(run)
}
