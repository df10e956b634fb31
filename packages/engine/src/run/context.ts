import type { ExpressionScope } from '../expressions/evaluate'
import { DEFAULT_HTTP_POLICY } from '../nodes/shared/http-policy'
import type { ExecuteContext, FetchLike } from '../nodes/types'
import { Cancellation, type CancelSignal } from './cancellation'
import type { Plan } from './plan'
import { maskSecrets } from './secrets'
import { runStarts } from './starts'
import type { TraceEvent, TraceListener } from './trace'
import { DEFAULT_LIMITS, type RunLimits, type RunOptions, type RunState } from './types'

/** A run in progress: the serializable state plus everything that must not be serialized. */
export interface Run {
  plan: Plan
  s: RunState
  scope: ExpressionScope
  limits: RunLimits
  mocks: Record<string, unknown> | undefined
  /** null when nobody listens: events are then never built. */
  listener: TraceListener | null
  events: TraceEvent[] | null
  tracing: boolean
  now: () => number
  /** performance.now() when this segment started; compute time = s.activeMs + elapsed. */
  segmentStart: number
  /** Aborts the requests of the step in flight (cancel, time limit); made on first use. */
  abort: Cancellation | null
  /** The last trace timestamp: many events share a millisecond, and toISOString is not free. */
  lastAtMs: number
  lastAt: string
  /** One context object per run, updated per step: steps run one at a time. */
  ctx: ExecuteContext
  checkpoint: RunOptions['checkpoint'] | null
  /** The step count of the last checkpoint: consecutive side-effect checks share one. */
  checkpointedAt: number
  /** A slow step (see RunOptions.checkpointAfterMs) finished since the last checkpoint: worth storing. */
  unsaved: boolean
  checkpointAfterMs: number
  cancel: CancelSignal | null
}

const noFetch: FetchLike = () => Promise.reject(new Error('no fetch is available in this environment'))

export function newRunId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (c?.randomUUID) return c.randomUUID()
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

export function createState(plan: Plan, options: RunOptions): RunState {
  const n = plan.nodes.length
  const dryRun = options.dryRun ?? true
  return {
    version: 1,
    runId: options.runId ?? newRunId(),
    nodeIds: plan.nodes.map((node) => node.id),
    status: 'running',
    dryRun,
    skipWaits: options.skipWaits ?? dryRun,
    ...(options.askAtWaits ? { askAtWaits: true } : {}),
    event: options.event,
    steps: {},
    vars: {},
    results: {},
    visits: new Array(n).fill(0),
    resolved: new Array(n).fill(0),
    fired: new Array(n).fill(0),
    inputFrom: new Array(n).fill(-1),
    queue: runStarts(plan, options.startAt),
    deferred: [],
    stepCount: 0,
    skippedMs: 0,
    activeMs: 0,
  }
}

/**
 * What steps see of their run. A class, not an object literal: a getter in a literal gives
 * every run a hidden class of its own, which V8 keeps outside the young generation, so each
 * finished run's objects stayed reachable to the young-generation GC and were copied into
 * the old one (about a third of what a run allocated).
 */
class StepContext implements ExecuteContext {
  readonly runId: string
  nodeId = ''
  visit = 0
  readonly scope: ExpressionScope
  input: unknown = undefined
  readonly dryRun: boolean
  readonly http: ExecuteContext['http']
  readonly resolveConnection: ExecuteContext['resolveConnection']
  readonly dataStore: ExecuteContext['dataStore']
  readonly sendMail: ExecuteContext['sendMail']
  readonly now: () => number

  constructor(
    private readonly run: Run,
    readonly fetch: FetchLike,
    options: RunOptions,
  ) {
    this.runId = run.s.runId
    this.scope = run.scope
    this.dryRun = run.s.dryRun
    this.http = Object.assign({}, DEFAULT_HTTP_POLICY, options.http)
    this.resolveConnection = options.resolveConnection
    this.dataStore = options.dataStore
    this.sendMail = options.sendMail
    this.now = run.now
  }

  /** Created on first use: most runs never make a request that could be cancelled. */
  get signal(): CancelSignal {
    this.run.abort ??= new Cancellation()
    return this.run.abort
  }
}

export function createRun(plan: Plan, s: RunState, options: RunOptions): Run {
  const now = options.now ?? Date.now
  const listener = options.onEvent ?? null
  const events = options.recordEvents === false ? null : []
  const fetchImpl =
    options.fetch ?? (globalThis.fetch ? (globalThis.fetch.bind(globalThis) as FetchLike) : noFetch)
  const run: Run = {
    plan,
    s,
    scope: { event: s.event, steps: s.steps, vars: s.vars },
    limits: Object.assign({}, DEFAULT_LIMITS, options.limits),
    mocks: options.mocks,
    listener,
    events,
    tracing: listener !== null || events !== null,
    now: () => now() + s.skippedMs,
    segmentStart: performance.now(),
    abort: null,
    lastAtMs: Number.NaN,
    lastAt: '',
    ctx: undefined as unknown as ExecuteContext,
    checkpoint: options.checkpoint ?? null,
    checkpointedAt: -1,
    unsaved: false,
    checkpointAfterMs: options.checkpointAfterMs ?? 50,
    cancel: options.signal ?? null,
  }
  // Cancelling aborts whatever request the current step is waiting for.
  options.signal?.addEventListener('abort', () => run.abort?.abort(), { once: true })
  run.ctx = new StepContext(run, fetchImpl, options)
  return run
}

export function at(run: Run): string {
  const ms = run.now()
  if (ms !== run.lastAtMs) {
    run.lastAtMs = ms
    run.lastAt = new Date(ms).toISOString()
  }
  return run.lastAt
}

export function emit(run: Run, raw: TraceEvent) {
  // Every listener (CLI, stored history, live canvas) sees generated secrets as fingerprints only.
  const event = run.s.secrets ? maskSecrets(raw, run.s.secrets) : raw
  run.events?.push(event)
  if (run.listener) {
    try {
      run.listener(event)
    } catch {
      // A broken subscriber (a closed socket, a full queue) must not change the run's outcome.
    }
  }
}

/**
 * Milliseconds since `t0`, to the microsecond, as steps report their duration: finer means
 * nothing for a step, and a float's full precision is 17 digits in every stored trace event
 * and checkpoint.
 */
export const msSince = (t0: number): number => Math.round((performance.now() - t0) * 1000) / 1000

export function computeMs(run: Run): number {
  return run.s.activeMs + (performance.now() - run.segmentStart)
}
