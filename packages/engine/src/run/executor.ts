import { describeCondition, matchesCondition } from '../expressions/conditions'
import { isPromiseLike } from '../expressions/evaluate'
import type { Workflow } from '../model/schema'
import type { StepOutcome } from '../nodes/types'
import { at, computeMs, createRun, createState, emit, type Run } from './context'
import { fire, ruleOut, settle } from './flow'
import { getPlan, type PlanNode } from './plan'
import type { TraceEvent } from './trace'
import type { RunOptions, RunResult, RunState, StepResult } from './types'

export type { RunLimits, RunOptions, RunResult, RunState, StepResult } from './types'
export { DEFAULT_LIMITS } from './types'

const has = Object.prototype.hasOwnProperty

class TimeLimitError extends Error {}

function formatValue(v: unknown): string {
  if (v === undefined) return 'undefined (the subject gave no value)'
  const json = JSON.stringify(v)
  return json.length > 200 ? `${json.slice(0, 200)}…` : json
}

function finishRun(run: Run, status: 'succeeded' | 'failed', error?: string) {
  const { s } = run
  s.status = status
  if (error !== undefined) s.error = error
  s.activeMs = computeMs(run)
  run.segmentStart = performance.now()
  if (run.tracing) {
    emit(run, {
      type: 'run.finished',
      runId: s.runId,
      at: at(run),
      status,
      ...(error ? { error } : {}),
      durationMs: s.activeMs,
    })
  }
}

function failNode(run: Run, node: PlanNode, message: string, t0: number) {
  const { s } = run
  const durationMs = performance.now() - t0
  s.results[node.id] = { status: 'failed', error: message, durationMs, visits: s.visits[node.index] }
  if (run.tracing)
    emit(run, {
      type: 'node.failed',
      runId: s.runId,
      at: at(run),
      nodeId: node.id,
      error: message,
      durationMs,
    })
  finishRun(run, 'failed', `${node.id}: ${message}`)
}

/** First matching branch in edge order, else the else edge; -1 when none applies. */
function pickBranch(node: PlanNode, value: unknown): number {
  for (const b of node.branches) if (matchesCondition(b.condition, value)) return b.edge
  return node.elseEdge
}

function suspend(run: Run, node: PlanNode, until: number, t0: number) {
  const { s } = run
  s.status = 'suspended'
  s.waiting = { node: node.index, until, since: run.now() }
  s.results[node.id] = { status: 'waiting', durationMs: performance.now() - t0, visits: s.visits[node.index] }
  s.activeMs = computeMs(run)
  run.segmentStart = performance.now()
  if (run.tracing) {
    emit(run, {
      type: 'run.suspended',
      runId: s.runId,
      at: at(run),
      nodeId: node.id,
      until: new Date(until).toISOString(),
    })
  }
}

/** Record a finished step, emit it, and pass control along its outgoing edges. */
function complete(
  run: Run,
  node: PlanNode,
  outcome: StepOutcome,
  t0: number,
  input: unknown,
  mocked: boolean,
) {
  const { s } = run
  let output = outcome.output
  let skippedWait = false
  if (!mocked && outcome.waitUntil !== undefined) {
    const now = run.now()
    const waitedMs = Math.max(0, outcome.waitUntil - now)
    if (!s.skipWaits && waitedMs > 0) return suspend(run, node, outcome.waitUntil, t0)
    s.skippedMs += waitedMs
    output = { waitedMs, until: new Date(outcome.waitUntil).toISOString() }
    skippedWait = s.skipWaits && waitedMs > 0
  }
  let chosen = -1
  if (node.isDecision) {
    chosen = pickBranch(node, output)
    if (chosen < 0) {
      const labels = node.branches.map((b) => describeCondition(b.condition))
      const list = labels.length > 0 ? ` (branches: ${labels.join(', ')})` : ''
      return failNode(run, node, `no branch matches value ${formatValue(output)}${list}`, t0)
    }
  }
  const durationMs = performance.now() - t0
  s.steps[node.id] = output
  const result: StepResult = { status: 'succeeded', output, input, durationMs, visits: s.visits[node.index] }
  if (outcome.request) result.request = outcome.request
  if (mocked) result.mocked = true
  if (skippedWait) result.skippedWait = true
  s.results[node.id] = result
  if (run.tracing) {
    const event: TraceEvent = {
      type: 'node.finished',
      runId: s.runId,
      at: at(run),
      nodeId: node.id,
      output,
      durationMs,
    }
    if (outcome.request) event.request = outcome.request
    if (mocked) event.mocked = true
    if (skippedWait) event.skippedWait = true
    emit(run, event)
  }
  const out = node.out
  if (node.isDecision) {
    for (let i = 0; i < out.length; i++) {
      if (out[i] === chosen) fire(run, out[i])
      else ruleOut(run, out[i])
    }
  } else {
    for (let i = 0; i < out.length; i++) fire(run, out[i])
  }
}

/** Race an async step against the run's remaining time; cancel its requests when time is up. */
function withinTimeLimit(run: Run, pending: Promise<StepOutcome>): Promise<StepOutcome> {
  const remaining = Math.max(0, run.limits.timeoutMs - computeMs(run))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      run.abort?.abort()
      reject(new TimeLimitError())
    }, remaining)
    pending.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

function timeLimitMessage(run: Run): string {
  return `the run exceeded its time limit of ${run.limits.timeoutMs} ms`
}

/** Run one node. Returns a Promise only when the step is really asynchronous. */
function step(run: Run, index: number): Promise<void> | undefined {
  const { s, plan, limits } = run
  const node = plan.nodes[index]
  const t0 = performance.now()
  const visits = ++s.visits[index]
  if (visits > limits.maxVisitsPerNode) {
    failNode(
      run,
      node,
      `visited more than ${limits.maxVisitsPerNode} times in one run; a loop that never ends? (limit maxVisitsPerNode)`,
      t0,
    )
    return
  }
  if (++s.stepCount > limits.maxSteps) {
    finishRun(
      run,
      'failed',
      `the run took more than ${limits.maxSteps} steps (limit maxSteps); stopped at ${node.id}`,
    )
    return
  }
  const from = s.inputFrom[index]
  const input = from < 0 ? s.event : s.steps[plan.nodes[from].id]
  if (run.tracing) emit(run, { type: 'node.started', runId: s.runId, at: at(run), nodeId: node.id })
  if (run.mocks && has.call(run.mocks, node.id)) {
    complete(run, node, { output: run.mocks[node.id] }, t0, input, true)
    return
  }
  if (node.prepareError !== null || !node.executor) {
    failNode(run, node, node.prepareError ?? `unknown node type "${node.typeId}"`, t0)
    return
  }
  const ctx = run.ctx
  ctx.nodeId = node.id
  ctx.input = input
  let outcome: StepOutcome | Promise<StepOutcome>
  try {
    outcome = node.executor.execute(node.prepared as never, ctx)
  } catch (err) {
    failNode(run, node, (err as Error).message ?? String(err), t0)
    return
  }
  if (!isPromiseLike(outcome)) {
    complete(run, node, outcome, t0, input, false)
    return
  }
  return withinTimeLimit(run, outcome).then(
    (o) => complete(run, node, o, t0, input, false),
    (err) =>
      failNode(
        run,
        node,
        err instanceof TimeLimitError ? timeLimitMessage(run) : ((err as Error)?.message ?? String(err)),
        t0,
      ),
  )
}

/** Run steps synchronously until one has to wait for I/O (returned) or the run stops. */
function advance(run: Run): Promise<void> | undefined {
  const { s } = run
  while (s.status === 'running') {
    if (s.queue.length === 0 && !settle(run)) {
      finishRun(run, 'succeeded')
      return
    }
    if (computeMs(run) > run.limits.timeoutMs) {
      finishRun(run, 'failed', timeLimitMessage(run))
      return
    }
    const pending = step(run, s.queue.shift()!)
    if (pending) return pending
  }
}

async function drive(run: Run): Promise<RunResult> {
  try {
    let pending = advance(run)
    while (pending) {
      await pending
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
    r.resumeAt = new Date(s.waiting.until).toISOString()
  }
  return r
}

function startProblem(run: Run, options: RunOptions): string | null {
  const { plan } = run
  const event = options.event
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return 'the event must be a JSON object (a Segment event)'
  }
  if (plan.starts.length === 0) return 'the workflow has no start node (a circle without incoming edges)'
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
  return drive(run)
}

export type ResumeOptions = Omit<RunOptions, 'event' | 'runId' | 'dryRun' | 'skipWaits'>

/**
 * Continue a run suspended at a wait. `state` is what the suspended RunResult carried
 * (it is copied, not changed). Called before the wait is over, it stays suspended.
 */
export async function resumeRun(
  workflow: Workflow,
  state: RunState,
  options: ResumeOptions = {},
): Promise<RunResult> {
  const plan = getPlan(workflow)
  const s = structuredClone(state)
  const run = createRun(plan, s, { ...options, event: s.event })
  const ids = plan.nodes.map((n) => n.id)
  if (s.version !== 1 || s.status !== 'suspended' || !s.waiting) {
    throw new Error(`run ${s.runId} is not suspended (status ${s.status})`)
  }
  if (ids.length !== s.nodeIds.length || ids.some((id, i) => id !== s.nodeIds[i])) {
    throw new Error(`run ${s.runId} was suspended on a different version of the workflow`)
  }
  const { node: index, until, since } = s.waiting
  if (run.now() < until) return result(run)
  const node = plan.nodes[index]
  s.status = 'running'
  s.waiting = undefined
  if (run.tracing) emit(run, { type: 'run.resumed', runId: s.runId, at: at(run), nodeId: node.id })
  const from = s.inputFrom[index]
  const input = from < 0 ? s.event : s.steps[plan.nodes[from].id]
  const waited = { output: { waitedMs: run.now() - since, until: new Date(until).toISOString() } }
  complete(run, node, waited, performance.now(), input, false)
  return drive(run)
}
