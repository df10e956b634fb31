import { isPromiseLike } from '../expressions/evaluate'
import { pause } from '../nodes/shared/http-policy'
import type { StepOutcome, WaitRequest } from '../nodes/types'
import { at, computeMs, emit, msSince, type Run } from './context'
import { continueAfterError } from './error-branch'
import { fire, ruleOut } from './flow'
import type { PlanNode } from './plan'
import { keepSecrets } from './secrets'
import type { TraceEvent } from './trace'
import type { StepResult } from './types'

/**
 * One step of a run: run the node's executor (or its mock), record and trace the result,
 * apply its error handling, and pass control along its outgoing edges.
 */

const has = Object.prototype.hasOwnProperty

class TimeLimitError extends Error {}

export function finishRun(run: Run, status: 'succeeded' | 'failed' | 'cancelled', error?: string) {
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

export function failNode(run: Run, node: PlanNode, message: string, t0: number) {
  const { s } = run
  const durationMs = msSince(t0)
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

/** The branch a mocked `routing: 'one'` step takes: as its type reads the output, else named by it. */
function mockedBranch(node: PlanNode, output: unknown): string | undefined {
  if (node.executor?.branchOf && node.prepareError === null)
    return node.executor.branchOf(node.prepared as never, output)
  if (typeof output === 'string') return output
  const named = (output as { branch?: unknown } | null)?.branch
  return typeof named === 'string' ? named : undefined
}

/** The outgoing edges labelled `branch` (labels compare trimmed); a routing-one step takes exactly these. */
function branchEdges(run: Run, node: PlanNode, branch: string | undefined): Set<number> | string {
  if (branch === undefined) return 'the step chose no branch'
  const want = branch.trim()
  const chosen = new Set<number>()
  for (const ei of node.out) if ((run.plan.workflow.edges[ei].label ?? '').trim() === want) chosen.add(ei)
  if (chosen.size > 0) return chosen
  const labels = node.out.map((ei) => JSON.stringify(run.plan.workflow.edges[ei].label ?? ''))
  return `took branch ${JSON.stringify(branch)}, but no outgoing edge has that label${labels.length > 0 ? ` (edges: ${labels.join(', ')})` : ''}`
}

function suspend(run: Run, node: PlanNode, until: number | null, t0: number, waitFor?: WaitRequest) {
  const { s } = run
  s.status = 'suspended'
  s.waiting = { node: node.index, until, since: run.now(), ...(waitFor ? { for: waitFor } : {}) }
  s.results[node.id] = { status: 'waiting', durationMs: msSince(t0), visits: s.visits[node.index] }
  s.activeMs = computeMs(run)
  run.segmentStart = performance.now()
  if (run.tracing) {
    const event: TraceEvent = { type: 'run.suspended', runId: s.runId, at: at(run), nodeId: node.id }
    if (until !== null) event.until = new Date(until).toISOString()
    if (waitFor) {
      event.for = waitFor.kind
      if (waitFor.kind === 'approval') {
        event.title = waitFor.title
        event.assignees = waitFor.assignees
      }
    }
    emit(run, event)
  }
}

/** What a step that waited for something from outside gives when its timeout passed. */
export function timedOut(waitedMs: number, until: number): StepOutcome {
  return { output: { timedOut: true, waitedMs, until: new Date(until).toISOString() }, branch: 'timeout' }
}

/**
 * A step waiting for an event or a decision: live runs (and test runs with someone to ask)
 * suspend; otherwise the virtual clock runs to the timeout, which has to exist.
 */
function waitForOutside(run: Run, node: PlanNode, waitFor: WaitRequest, t0: number): StepOutcome | null {
  const { s } = run
  if (!s.skipWaits || s.askAtWaits) {
    suspend(run, node, waitFor.until, t0, waitFor)
    return null
  }
  if (waitFor.until === null) {
    failNode(
      run,
      node,
      `waits for ${waitFor.kind === 'event' ? 'an event' : 'a decision'} with no timeout: mock this step to choose its branch in a test run`,
      t0,
    )
    return null
  }
  const waitedMs = Math.max(0, waitFor.until - run.now())
  s.skippedMs += waitedMs
  return timedOut(waitedMs, waitFor.until)
}

/** Record a finished step, emit it, and pass control along its outgoing edges. */
export function complete(
  run: Run,
  node: PlanNode,
  outcome: StepOutcome,
  t0: number,
  input: unknown,
  mocked: boolean,
  attempt = 1,
) {
  const { s } = run
  if (!mocked && outcome.waitFor) {
    const timeout = waitForOutside(run, node, outcome.waitFor, t0)
    if (!timeout) return
    return complete(run, node, timeout, t0, input, false, attempt)
  }
  let output = outcome.output
  let skippedWait = false
  if (!mocked && outcome.waitUntil !== undefined) {
    const now = run.now()
    if (!s.skipWaits && outcome.waitUntil > now) return suspend(run, node, outcome.waitUntil, t0)
    // A skipped wait (test runs) lasts its whole duration, even when the clock ticked while the step ran.
    const waitedMs = Math.max(
      0,
      outcome.waitUntil - (s.skipWaits ? Math.min(now, outcome.waitFrom ?? now) : now),
    )
    s.skippedMs += waitedMs
    output = { waitedMs, until: new Date(outcome.waitUntil).toISOString() }
    skippedWait = s.skipWaits && waitedMs > 0
  }
  let chosen: Set<number> | null = null
  if (node.routesOne) {
    let picked: Set<number> | string
    try {
      picked = branchEdges(run, node, mocked ? mockedBranch(node, output) : outcome.branch)
    } catch (err) {
      picked = (err as Error)?.message ?? String(err)
    }
    if (typeof picked === 'string') return failNode(run, node, picked, t0)
    chosen = picked
  }
  const durationMs = msSince(t0)
  // Before anything is traced: the step's own node.finished already shows the fingerprint.
  if (!mocked) keepSecrets(s, outcome.secrets)
  s.steps[node.id] = output
  const result: StepResult = { status: 'succeeded', output, input, durationMs, visits: s.visits[node.index] }
  if (outcome.request) result.request = outcome.request
  if (outcome.requests) result.requests = outcome.requests
  if (attempt > 1) result.attempts = attempt
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
    if (outcome.requests) event.requests = outcome.requests
    if (mocked) event.mocked = true
    if (skippedWait) event.skippedWait = true
    emit(run, event)
  }
  const out = node.out
  if (outcome.stop && !mocked) {
    for (let i = 0; i < out.length; i++) ruleOut(run, out[i])
  } else if (chosen) {
    for (let i = 0; i < out.length; i++) {
      if (chosen.has(out[i])) fire(run, out[i])
      else ruleOut(run, out[i])
    }
  } else {
    // A step that succeeded never takes its error branch.
    for (let i = 0; i < out.length; i++) {
      if (run.plan.edges[out[i]].error) ruleOut(run, out[i])
      else fire(run, out[i])
    }
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

export const CANCELLED_MESSAGE = 'cancelled while running'

/** A cancelled run ends at the step it was in, whatever that step's own error handling says. */
export function endIfCancelled(run: Run): boolean {
  if (!run.cancel?.aborted) return false
  finishRun(run, 'cancelled', CANCELLED_MESSAGE)
  return true
}

export function timeLimitMessage(run: Run): string {
  return `the run exceeded its time limit of ${run.limits.timeoutMs} ms`
}

/** Run one node. Returns a Promise only when the step is really asynchronous. */
export function step(run: Run, index: number): Promise<void> | undefined {
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
  return attemptStep(run, node, input, t0, 1)
}

/** One execution of a node's executor; failures go to the node's error handling. */
function attemptStep(
  run: Run,
  node: PlanNode,
  input: unknown,
  t0: number,
  attempt: number,
): Promise<void> | undefined {
  const ctx = run.ctx
  ctx.nodeId = node.id
  ctx.input = input
  ctx.visit = run.s.visits[node.index]
  let outcome: StepOutcome | Promise<StepOutcome>
  try {
    outcome = node.executor!.execute(node.prepared as never, ctx)
  } catch (err) {
    return stepFailed(run, node, input, t0, attempt, (err as Error)?.message ?? String(err))
  }
  if (!isPromiseLike(outcome)) {
    complete(run, node, outcome, t0, input, false, attempt)
    return
  }
  return withinTimeLimit(run, outcome).then(
    (o) => complete(run, node, o, t0, input, false, attempt),
    (err) =>
      endIfCancelled(run)
        ? undefined
        : err instanceof TimeLimitError
          ? failNode(run, node, timeLimitMessage(run), t0)
          : stepFailed(run, node, input, t0, attempt, (err as Error)?.message ?? String(err)),
  )
}

/**
 * Per-node error handling (shared/spec-fields.ts): retry after a growing pause while
 * retries remain, continue along the error branch, or fail the run.
 */
function stepFailed(
  run: Run,
  node: PlanNode,
  input: unknown,
  t0: number,
  attempt: number,
  message: string,
): Promise<void> | undefined {
  const { s } = run
  if (node.onError === 'retry' && attempt <= node.retries) {
    const http = run.ctx.http
    const retryInMs = Math.min(http.maxBackoffMs, http.nodeRetryDelayMs * 2 ** (attempt - 1))
    if (run.tracing) {
      const durationMs = msSince(t0)
      emit(run, {
        type: 'node.failed',
        runId: s.runId,
        at: at(run),
        nodeId: node.id,
        error: message,
        durationMs,
        attempt,
        retryInMs,
      })
    }
    return withinTimeLimit(
      run,
      pause(retryInMs, undefined).then(() => ({ output: undefined })),
    ).then(
      () => {
        if (endIfCancelled(run)) return
        if (run.tracing)
          emit(run, {
            type: 'node.started',
            runId: s.runId,
            at: at(run),
            nodeId: node.id,
            attempt: attempt + 1,
          })
        return attemptStep(run, node, input, performance.now(), attempt + 1)
      },
      () => failNode(run, node, timeLimitMessage(run), t0),
    )
  }
  const error = attempt > 1 ? `${message} (after ${attempt} attempts)` : message
  if (node.onError === 'continue') return continueAfterError(run, node, input, t0, attempt, error)
  failNode(run, node, error, t0)
}
