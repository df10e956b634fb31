import type { DataStore } from '@flowline/engine'
import { RunPath } from '../analytics/run-path'
import {
  acceptsEvent,
  Cancellation,
  executeWorkflow,
  incomingWaitKeys,
  type ResolvedConnection,
  type RunDeps,
  type RunOptions,
  type RunState,
  type TraceEvent,
  type Workflow,
} from '../engine'
import { storedEventJson } from '../run-store/stored-event'
import { runTestsOf } from '../runs-tests'
import type { SecretBox } from '../secret-box'
import { SecretFence } from '../secret-fence'
import type { FromHost, RunTests, StartRun, StoreOp, ToHost, TraceText } from './protocol'
import { isSealed, openState, sealState } from './sealed-state'
import type { StepMarks } from './step-marks'

// One trace event stays under this; a 1 MiB webhook event would otherwise be stored again
// as the input of every step it flows through.
const MAX_EVENT_CHARS = 256 * 1024

/**
 * The event as stored and streamed (its JSON, without the runId: run-store/stored-event.ts):
 * oversized payload fields are replaced by a marker.
 */
export const compact = (event: TraceEvent): string => compactEvent(event).data

function compactEvent(event: TraceEvent): { data: string; truncated: boolean } {
  const data = storedEventJson(event)
  if (data.length <= MAX_EVENT_CHARS) return { data, truncated: false }
  const smaller = { ...event } as Record<string, unknown> & TraceEvent
  for (const field of ['input', 'output', 'event'] as const) {
    const size = JSON.stringify(smaller[field] ?? null).length
    if (size > MAX_EVENT_CHARS / 4) smaller[field] = { $truncated: true, chars: size }
  }
  return { data: storedEventJson(smaller), truncated: true }
}

// What a stored result leaves out: see serializeState. `output` is put back when `steps` lacks it.
const LEFT_OUT_OF_RESULTS = new Set(['input', 'request', 'requests', 'output'])

/**
 * A checkpoint as stored: the run's state without what the run row already holds (the
 * event), what only a finished run's report needs (each step's input and request), or
 * what is there twice (a step's output is also in `steps`), so a checkpoint stays small.
 * `inTrace`: steps whose output the stored trace holds whole (their last `node.finished`,
 * committed with or before the checkpoint); they are left out too and read back from the
 * trace on a restore (`restoreState`'s `traceOutputs`). Suspended runs' states stay whole.
 * A run holding generated secrets is sealed with `box` (sealed-state.ts) and whole: its
 * trace is masked.
 */
export function serializeState(s: RunState, box?: SecretBox, inTrace?: ReadonlyMap<string, boolean>): string {
  const results: Record<string, Record<string, unknown>> = {}
  for (const id in s.results) {
    const result = s.results[id] as unknown as Record<string, unknown>
    // Copied key by key: an object rest pattern costs a runtime call per result.
    const kept: Record<string, unknown> = {}
    for (const key in result) if (!LEFT_OUT_OF_RESULTS.has(key)) kept[key] = result[key]
    if (result.output !== undefined && result.output !== s.steps[id]) kept.output = result.output
    results[id] = kept
  }
  const sealed = !!s.secrets?.length
  const steps: RunState['steps'] = {}
  // A start step's output is the event itself.
  const eventSteps: string[] = []
  const traceSteps: string[] = []
  for (const id in s.steps) {
    const output = s.steps[id]
    if (output === s.event) eventSteps.push(id)
    else if (!sealed && inTrace?.get(id)) traceSteps.push(id)
    else steps[id] = output
  }
  // Object.assign, not `{ ...s, event: null }`: V8 keeps a literal that starts with a spread,
  // and all it reaches, until a full GC (README, "Code that every run goes through").
  const json = JSON.stringify(
    Object.assign(
      {},
      s,
      { event: null, steps, results, eventSteps },
      traceSteps.length > 0 ? { traceSteps } : null,
    ),
  )
  return sealed ? sealState(json, s.runId, box) : json
}

/** Whether a stored state needs step outputs from the run's trace to be restored. */
export const needsTraceOutputs = (stored: string): boolean =>
  !isSealed(stored) && stored.includes('"traceSteps":')

export function restoreState(
  stored: string,
  event: unknown,
  sealed?: { box: SecretBox | undefined; runId: string },
  /** Each step's last output in the stored trace (run-store/trace-rows.ts `traceOutputs`). */
  traceOutputs?: Record<string, unknown>,
): RunState {
  const json = isSealed(stored) ? openState(stored, sealed?.runId ?? '', sealed?.box) : stored
  const { eventSteps, traceSteps, ...state } = JSON.parse(json) as RunState & {
    eventSteps?: string[]
    traceSteps?: string[]
  }
  for (const id of eventSteps ?? []) state.steps[id] = event
  for (const id of traceSteps ?? []) {
    if (!traceOutputs || !Object.hasOwn(traceOutputs, id))
      throw new Error(`the run's stored trace lacks the output of step ${id}, which its checkpoint needs`)
    state.steps[id] = traceOutputs[id]
  }
  for (const [id, result] of Object.entries(state.results))
    if (!('output' in result) && id in state.steps) result.output = state.steps[id]
  return { ...state, event }
}

export interface RunHostOptions {
  post(msg: FromHost): void
  /** HTTP client, retry policy and limits of every run (not the connection resolver: it is asked of the pool). */
  deps: Omit<RunDeps, 'resolveConnection'>
  /** The run clock (epoch ms). */
  now: () => number
  /** Shared with the pool's watchdog; null where nothing can watch (inline hosts). */
  marks: StepMarks | null
  /** Seals the stored state of runs holding generated secrets (sealed-state.ts). */
  box?: SecretBox
}

type Awaiting = <T>(pending: Promise<T>) => Promise<T>

/**
 * The clients of one run, fenced: every connection the run resolves is noted with where its
 * secret was saved for, and each request or mail login is checked against that before it
 * leaves (here for any client, and again by the HTTP client on every redirect hop).
 */
function fencedClients(
  deps: Omit<RunDeps, 'resolveConnection'>,
  awaiting: Awaiting,
  resolveOne: (connectionId: string) => Promise<ResolvedConnection | null>,
): Pick<RunDeps, 'fetch' | 'sendMail' | 'resolveConnection'> {
  const fence = new SecretFence()
  const fetch = deps.fetch!
  const sendMail = deps.sendMail
  const fenced: NonNullable<RunDeps['fetch']> = (url, init) => {
    try {
      fence.checkHttp(new URL(url), init.headers)
    } catch (err) {
      return Promise.reject(err)
    }
    return awaiting(fetch(url, Object.assign({}, init, { fence })))
  }
  return {
    // What the client keeps itself (time limits) it still keeps behind the fence.
    fetch: Object.assign(fenced, { enforcesTimeout: fetch.enforcesTimeout }),
    sendMail:
      sendMail &&
      ((connection, message, o) => {
        try {
          fence.checkMail(connection)
        } catch (err) {
          return Promise.reject(err)
        }
        return awaiting(sendMail(connection, message, Object.assign({}, o, { fence })))
      }),
    resolveConnection: (connectionId) =>
      awaiting(
        resolveOne(connectionId).then((c) => {
          if (c) fence.add(c)
          return c
        }),
      ),
  }
}

const STEP_END = new Set(['node.finished', 'node.failed', 'node.skipped', 'run.suspended', 'run.finished'])

// Live runs' events go out with their checkpoints and outcome (one stored row each), or
// after this long when a step takes time, so someone watching still sees progress.
const LIVE_FLUSH_MS = 100

type Reply = { id: number; resolve(v: unknown): void; reject(e: Error): void }
const REPLY_RING = 1024

/** A run executing on this host, in the watchdog slot the pool gave it. */
interface Hosted {
  runId: string
  abort: Cancellation
  /** Trace events not posted yet, without their runId (encoded together when they go). */
  events: TraceEvent[]
  /** Steps whose last output went into the posted trace whole: checkpoints need not hold it again. */
  inTrace: Map<string, boolean>
}

/**
 * Executes runs for the pool: trace events go back in batches, checkpoints are confirmed
 * by the pool (stored) before the run goes on, connections are resolved by the pool (it
 * holds the key). The same code serves worker threads and inline hosts.
 */
export function createRunHost({ post, deps, now, marks, box }: RunHostOptions) {
  const models = new Map<string, { model: Workflow; index: Map<string, number> }>()
  // Runs are found by slot and replies in a ring, not in Maps keyed per run: such a Map
  // rehashes into a new table every few dozen runs, and V8's young-generation GC keeps
  // whatever a dead table in the old generation still points to (the runs in flight then,
  // and everything they reach), so most runs were copied into the old generation.
  const hosted: (Hosted | undefined)[] = new Array(64).fill(undefined)
  const replies: (Reply | undefined)[] = new Array(REPLY_RING).fill(undefined)
  // More asks in flight than the ring holds (never seen; a bound, not a limit).
  const overflow = new Map<number, Reply>()
  let turnFlush = false
  let timedFlush: NodeJS.Timeout | null = null
  let nextId = 1

  /** The data-store node's stores live in the database: the pool carries operations out. */
  function dataStoreFor(runId: string, awaiting: <T>(p: Promise<T>) => Promise<T>): DataStore {
    const op =
      <T>(name: StoreOp) =>
      (...args: unknown[]) =>
        awaiting(ask<T>({ t: 'store', runId, id: nextId++, op: name, args }))
    return {
      get: op<{ found: boolean; value: unknown }>('get'),
      set: op<void>('set'),
      delete: op<boolean>('delete'),
      increment: op<number>('increment'),
    }
  }

  const indexed = (model: Workflow) => ({ model, index: new Map(model.nodes.map((n, i) => [n.id, i])) })
  function cacheModel(key: string, model: Workflow) {
    const entry = indexed(model)
    models.set(key, entry)
    return entry
  }

  /**
   * The run's events not posted yet, encoded to go with a message of its own: in one
   * JSON.stringify call (a call per event, and the strings joined after, allocated five
   * times the text), or one by one with oversized fields cut when the batch is that large.
   */
  function takeEvents(run: Hosted): TraceText | undefined {
    const { events } = run
    if (events.length === 0) return undefined
    run.events = []
    let data = JSON.stringify(events)
    if (data.length > MAX_EVENT_CHARS) {
      const parts: string[] = []
      for (const event of events) {
        const part = compactEvent(event)
        if (event.type === 'node.finished') run.inTrace.set(event.nodeId, !part.truncated)
        parts.push(part.data)
      }
      data = `[${parts.join(',')}]`
    } else {
      for (const event of events) if (event.type === 'node.finished') run.inTrace.set(event.nodeId, true)
    }
    return { data, count: events.length }
  }

  function flushRun(run: Hosted): void {
    const events = takeEvents(run)
    if (events) post({ t: 'events', runId: run.runId, ...events })
  }

  function flush(): void {
    for (const run of hosted) if (run) flushRun(run)
  }

  /**
   * Test runs' events go out after each turn, for the live canvas; live runs' with their
   * next checkpoint or outcome (`flushRun`), at the latest after LIVE_FLUSH_MS.
   */
  function buffer(run: Hosted, event: TraceEvent, live: boolean): void {
    // Stored without it (run-store/stored-event.ts): JSON.stringify leaves an undefined member
    // out, and the engine is done with the event once it is emitted.
    ;(event as { runId?: string }).runId = undefined
    run.events.push(event)
    if (!live) {
      if (turnFlush) return
      turnFlush = true
      setImmediate(() => {
        turnFlush = false
        flush()
      })
    } else if (!timedFlush) {
      timedFlush = setTimeout(() => {
        timedFlush = null
        flush()
      }, LIVE_FLUSH_MS)
      timedFlush.unref?.()
    }
  }

  function ask<T>(msg: FromHost & { id: number }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const reply = { id: msg.id, resolve: resolve as (v: unknown) => void, reject }
      const at = msg.id % REPLY_RING
      if (replies[at]) overflow.set(msg.id, reply)
      else replies[at] = reply
      post(msg)
    })
  }

  function takeReply(id: number): Reply | undefined {
    const at = id % REPLY_RING
    const reply = replies[at]
    if (reply?.id === id) {
      replies[at] = undefined
      return reply
    }
    const other = overflow.get(id)
    overflow.delete(id)
    return other
  }

  async function execute(msg: StartRun): Promise<void> {
    const { job, slot } = msg
    let cached = models.get(msg.modelKey)
    if (!cached) {
      const model = msg.model ?? job.model
      if (!model) throw new Error(`no model for ${msg.modelKey}`)
      cached = job.version !== null ? cacheModel(msg.modelKey, model) : indexed(model)
    }
    const { model, index } = cached
    const abort = new Cancellation()
    const run: Hosted = { runId: job.runId, abort, events: [], inTrace: new Map() }
    hosted[slot] = run
    let current = -1
    const path = msg.path ? new RunPath() : null
    let traced = false
    const onEvent = (event: TraceEvent) => {
      path?.observe(event)
      if (event.type === 'run.finished') traced = true
      if (marks) {
        if (event.type === 'node.started') {
          current = index.get(event.nodeId) ?? -1
          marks.computing(slot, current)
        } else if (STEP_END.has(event.type)) marks.idle(slot)
      }
      buffer(run, event, !job.dryRun)
    }
    // While a step waits for I/O it is not computing: the watchdog leaves it to the time limit.
    const awaiting = <T>(pending: Promise<T>): Promise<T> => {
      if (!marks) return pending
      marks.idle(slot)
      return pending.finally(() => marks.computing(slot, current))
    }
    try {
      const event = job.eventJson === undefined ? job.event : JSON.parse(job.eventJson)
      const state = msg.state
        ? restoreState(msg.state, event, { box, runId: job.runId }, msg.traceOutputs)
        : undefined
      const result = await executeWorkflow(
        model,
        // Not a literal spreading `deps` first: see serializeState.
        Object.assign(
          {},
          deps,
          fencedClients(deps, awaiting, (connectionId) =>
            msg.connections && Object.hasOwn(msg.connections, connectionId)
              ? Promise.resolve(msg.connections[connectionId])
              : ask<ResolvedConnection | null>({
                  t: 'resolve',
                  runId: job.runId,
                  id: nextId++,
                  connectionId,
                }),
          ),
          {
            dataStore: dataStoreFor(job.runId, awaiting),
            now,
            event,
            startAt: job.startAt,
            runId: job.runId,
            mocks: job.mocks,
            dryRun: job.dryRun,
            // Someone runs the test from the app: steps waiting for an event or a decision ask them.
            askAtWaits: job.dryRun,
            onEvent,
            recordEvents: false,
            signal: abort,
            checkpoint: (s, mustStore) => {
              // Events first: what they hold whole, the state leaves to them.
              const events = takeEvents(run)
              const state = serializeState(s, box, run.inTrace)
              if (!mustStore) return post({ t: 'checkpoint', runId: job.runId, id: 0, state, events })
              return ask<void>({ t: 'checkpoint', runId: job.runId, id: nextId++, state, events })
            },
          } satisfies RunOptions,
        ),
        state,
        msg.wake,
      )
      const waiting = result.state?.waiting
      if (result.status === 'suspended' && result.state && waiting) {
        flushRun(run)
        post({
          t: 'suspended',
          runId: job.runId,
          nodeId: result.state.nodeIds[waiting.node],
          state: serializeState(result.state, box),
          resumeAt: result.resumeAt ?? null,
          ...(result.waitingFor ? { waitFor: result.waitingFor } : {}),
        })
      } else {
        const status = result.status === 'suspended' ? 'failed' : result.status
        const error = result.error ?? null
        const events = takeEvents(run)
        post({
          t: 'finished',
          runId: job.runId,
          status,
          error,
          traced,
          path: path?.signature() ?? null,
          events,
        })
      }
    } catch (err) {
      post({
        t: 'finished',
        runId: job.runId,
        status: 'failed',
        error: (err as Error)?.message ?? String(err),
        traced,
        path: null,
        events: takeEvents(run),
      })
    } finally {
      marks?.idle(slot)
      if (hosted[slot] === run) hosted[slot] = undefined
    }
  }

  async function judge(msg: RunTests): Promise<void> {
    const { runId, slot } = msg
    // The whole job is one "step" for the watchdog, except while it waits for I/O.
    marks?.computing(slot, -1)
    const awaiting = <T>(pending: Promise<T>): Promise<T> => {
      if (!marks) return pending
      marks.idle(slot)
      return pending.finally(() => marks.computing(slot, -1))
    }
    try {
      const outcomes = await runTestsOf(msg.model, () => ({
        ...deps,
        ...fencedClients(deps, awaiting, (connectionId) =>
          ask<ResolvedConnection | null>({ t: 'resolve', runId, id: nextId++, connectionId }),
        ),
        dataStore: dataStoreFor(runId, awaiting),
      }))
      post({ t: 'tests-done', runId, outcomes })
    } finally {
      marks?.idle(slot)
    }
  }

  return {
    handle(msg: ToHost): void {
      switch (msg.t) {
        case 'start':
          void execute(msg)
          break
        case 'tests':
          void judge(msg)
          break
        case 'filter': {
          if (msg.model) cacheModel(msg.modelKey, msg.model)
          const model = models.get(msg.modelKey)?.model
          // A lost model (never expected) lets the event in: the run then says what is wrong.
          if (!model) {
            post({ t: 'filter-done', runId: msg.runId, accepted: true })
            break
          }
          marks?.computing(msg.slot, -1)
          void acceptsEvent(model, msg.event)
            .then((accepted) => post({ t: 'filter-done', runId: msg.runId, accepted }))
            .finally(() => marks?.idle(msg.slot))
          break
        }
        case 'wait-keys': {
          if (msg.model) cacheModel(msg.modelKey, msg.model)
          const model = models.get(msg.modelKey)?.model
          if (!model) {
            post({ t: 'wait-keys-done', runId: msg.runId, keys: {} })
            break
          }
          marks?.computing(msg.slot, -1)
          void incomingWaitKeys(model, msg.nodeIds, msg.event)
            .then((keys) => post({ t: 'wait-keys-done', runId: msg.runId, keys }))
            .finally(() => marks?.idle(msg.slot))
          break
        }
        case 'cancel':
          hosted.find((run) => run?.runId === msg.runId)?.abort.abort()
          break
        case 'forget-models':
          models.clear()
          break
        case 'ack':
        case 'resolved':
        case 'stored': {
          const reply = takeReply(msg.id)
          if (!reply) break
          if (msg.t !== 'ack' && msg.error) reply.reject(new Error(msg.error))
          else
            reply.resolve(msg.t === 'resolved' ? msg.connection : msg.t === 'stored' ? msg.value : undefined)
          break
        }
      }
    },
  }
}

export type RunHost = ReturnType<typeof createRunHost>
