import type { DataStore } from '@flowline/engine'
import type { Logger } from 'pino'
import type { Db } from '../../db'
import { now } from '../../db'
import type { ConnectionResolver, RunDeps, TraceEvent, Wake, Workflow } from '../engine'
import type { RunJob } from '../run-queue'
import type { RunWriter } from '../run-store/run-writer'
import { lastSeq, traceOutputs } from '../run-store/trace-rows'
import type { TestCaseOutcome } from '../runs-tests'
import type { TraceBus } from '../trace-bus'
import { type HostEvents, type HostHandle, inlineHost, spawnThread } from './hosts'
import { type FromHost, type HostConfig, type ToHost, versionKey } from './protocol'
import { compact, needsTraceOutputs } from './run-host'
import { threadBundle } from './thread-bundle'

export interface RunPoolOptions {
  db: Db
  writer: RunWriter
  bus: TraceBus
  logger?: Logger
  /** Worker threads; 0 runs inline on this thread (tests that inject a fetch function). */
  threads: number
  /** Runs executing at once over all threads. */
  concurrency: number
  /** A step computing longer than this without yielding is stopped (FLOWLINE_STEP_TIMEOUT_MS). */
  stepLimitMs: number
  /** Evaluated when a thread starts (the server's own URL is known only after listen). */
  hostConfig: () => HostConfig
  /** Inline hosts only: the run settings with their functions. */
  inlineDeps?: () => Omit<RunDeps, 'resolveConnection'>
  clock: () => number
  loadVersionModel(workflowId: string, version: number): Promise<Workflow>
  resolverForRun(): ConnectionResolver
  /** The data-store node's stores (services/data-store.ts). */
  dataStore: DataStore
  /** A run began a wait with a timeout: the wait scheduler should look again by then. */
  onSuspended(runId: string, resumeAt: string): void
  /** A run suspended waiting for an event or a decision: store its state and what it waits for. */
  recordOutsideWait(job: RunJob, wait: Required<Omit<Suspended, 't' | 'runId'>>): Promise<void>
}

type Suspended = Extract<FromHost, { t: 'suspended' }>

/** What a run that ran before goes on from (nothing: its first step). */
interface ResumeFrom {
  state?: string
  wake?: Wake
  traceOutputs?: Record<string, unknown>
  /** It had started but stored no checkpoint: its trace says why it begins again. */
  startOver?: boolean
}

interface Active {
  job: RunJob
  model: Workflow
  /** The last trace sequence number handed out. */
  seq: number
  host: HostHandle
  slot: number
  resolver: ConnectionResolver
  /** Resolved before the start: the run's thread need not ask for them (StartRun.connections). */
  connections?: Record<string, Awaited<ReturnType<ConnectionResolver>>>
  /** Runs executed from their first step gather what they touched, for the analytics rollup. */
  countPath: boolean
  /** Threads that died under this run: a run that keeps killing them fails. */
  deaths: number
  done(): void
}

/**
 * A job on a host that is not a run: judging saved test cases, or a start filter deciding
 * whether an event is for a workflow. User expressions run on hosts only, under the watchdog.
 */
interface HostJob {
  id: string
  /** What it is, for the message when the watchdog stops it. */
  what: string
  message(slot: number, host: Host): ToHost
  host: HostHandle
  slot: number
  resolver: ConnectionResolver
  resolve(value: unknown): void
  reject(err: Error): void
}

interface Host {
  handle: HostHandle
  free: number[]
  models: Set<string>
}

const WATCHDOG_MS = 100
const TEST_SLOTS = 4
const MAX_DEATHS = 3
const MAX_MODELS_PER_HOST = 500
const CANCEL_MEMORY_MS = 10 * 60_000

function limitText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

/**
 * Executes runs off the thread that serves HTTP (DESIGN §4 Isolation) and makes them
 * durable: every trace event, checkpoint and outcome a host reports goes through the group
 * commit; a checkpoint is confirmed to the host only once stored. A watchdog reads the
 * hosts' step marks: a step that computes past its limit without yielding has its thread
 * terminated and replaced; that run fails, and the thread's other runs continue from
 * their last checkpoints on the new thread.
 */
export function createRunPool(opts: RunPoolOptions) {
  const { db, writer, bus, logger } = opts
  const active = new Map<string, Active>()
  const jobs = new Map<string, HostJob>()
  let jobCount = 0
  /** Cancelled before they reached a host (queued in memory, or being loaded). */
  const cancelled = new Map<string, number>()
  // A cancel for a run that never comes here (queue mode broadcasts cancels to every worker)
  // is forgotten after a while instead of kept forever.
  const remember = (runId: string) => {
    const now = Date.now()
    if (cancelled.size > 1_000)
      for (const [id, at] of cancelled) if (now - at > CANCEL_MEMORY_MS) cancelled.delete(id)
    cancelled.set(runId, now)
  }
  const hosts: Host[] = []
  const inline = opts.threads <= 0
  const count = inline ? 1 : opts.threads
  // Runs are bounded by the queue's concurrency; test-case jobs of editors get slots of their own.
  const slots = Math.max(1, Math.ceil(opts.concurrency / count)) + TEST_SLOTS

  const events: HostEvents = {
    message: (handle, msg) => onMessage(handle, msg),
    died: (handle, err) => {
      logger?.error({ err }, 'a run thread died; its runs continue from their checkpoints')
      void replace(handle, [])
    },
  }

  let entry: string | null = null

  function newHost(): Host {
    if (!inline && !entry) throw new Error('run threads are not started (RunPool.start)')
    const handle = inline
      ? inlineHost(opts.inlineDeps?.() ?? {}, opts.clock, events, opts.hostConfig().stateKey)
      : spawnThread(entry!, opts.hostConfig(), slots, events)
    return { handle, free: Array.from({ length: slots }, (_, i) => slots - 1 - i), models: new Set() }
  }

  function pickHost(): Host {
    while (hosts.length < count) hosts.push(newHost())
    let best = hosts[0]
    for (const h of hosts) if (h.free.length > best.free.length) best = h
    return best
  }

  function hostOf(handle: HostHandle): Host | undefined {
    return hosts.find((h) => h.handle === handle)
  }

  /**
   * Runs and host jobs (start filters of every webhook delivery, test cases) share the
   * watchdog's slots; past them they wait here for one, never fail: a run the queue
   * handed over must start, however many deliveries' filters hold slots at that moment.
   */
  const slotWaiters: ((host: Host, slot: number) => void)[] = []

  function withSlot(start: (host: Host, slot: number) => void): void {
    const host = pickHost()
    const slot = host.free.pop()
    if (slot === undefined) slotWaiters.push(start)
    else start(host, slot)
  }

  function freeSlot(handle: HostHandle, slot: number): void {
    const host = hostOf(handle)
    if (!host) return
    const next = slotWaiters.shift()
    if (next) next(host, slot)
    else host.free.push(slot)
  }

  /** After a thread was replaced: the new one's slots go to whoever waits. */
  function serveWaiters(): void {
    while (slotWaiters.length > 0) {
      const host = pickHost()
      const slot = host.free.pop()
      if (slot === undefined) return
      slotWaiters.shift()!(host, slot)
    }
  }

  function dispatch(a: Omit<Active, 'host' | 'slot'>, from: ResumeFrom = {}): void {
    withSlot((host, slot) => {
      // Cancelled while it waited for a slot.
      if (cancelled.delete(a.job.runId)) {
        freeSlot(host.handle, slot)
        a.done()
        return
      }
      start(Object.assign({}, a, { host: host.handle, slot }), host, from)
      if (from.startOver) traceStartOver(a.job.runId)
    })
  }

  /** Where a run that ran before goes on from: its stored state (read back from the database). */
  async function resumeFrom(runId: string, state: string | null, wake: string | null): Promise<ResumeFrom> {
    return {
      state: state ?? undefined,
      wake: wake ? (JSON.parse(wake) as Wake) : undefined,
      traceOutputs: state && needsTraceOutputs(state) ? await traceOutputs(db, runId) : undefined,
    }
  }

  /** Connection ids a model's steps name (`connectionId` in their settings), per model. */
  const connectionIds = new WeakMap<Workflow, string[]>()
  function connectionsOf(model: Workflow): string[] {
    let ids = connectionIds.get(model)
    if (!ids) {
      const found = new Set<string>()
      for (const n of model.nodes) {
        const id = (n.config as { connectionId?: unknown } | undefined)?.connectionId
        if (typeof id === 'string' && id !== '') found.add(id)
      }
      ids = [...found]
      connectionIds.set(model, ids)
    }
    return ids
  }

  /** The model's connections, resolved for the run's start (ones that fail are asked for later). */
  async function prefetchConnections(model: Workflow, resolver: ConnectionResolver) {
    const ids = connectionsOf(model)
    if (ids.length === 0) return undefined
    const out: Record<string, Awaited<ReturnType<ConnectionResolver>>> = {}
    await Promise.all(
      ids.map(async (id) => {
        try {
          out[id] = await resolver(id)
        } catch {
          // The step asks again and reports the error in its own words.
        }
      }),
    )
    return out
  }

  function start(run: Active, host: Host, { state, wake, traceOutputs }: ResumeFrom): void {
    active.set(run.job.runId, run)
    const modelKey = versionKey(run.job)
    if (host.models.size >= MAX_MODELS_PER_HOST) {
      host.models.clear()
      host.handle.send({ t: 'forget-models' })
    }
    const known = host.models.has(modelKey)
    if (run.job.version !== null) host.models.add(modelKey)
    host.handle.send({
      t: 'start',
      job: run.job.model ? { ...run.job, model: undefined } : run.job,
      slot: run.slot,
      modelKey,
      model: known ? undefined : run.model,
      state,
      ...(wake ? { wake } : {}),
      ...(traceOutputs ? { traceOutputs } : {}),
      ...(run.countPath ? { path: true } : {}),
      ...(run.connections ? { connections: run.connections } : {}),
    })
  }

  function release(run: Active): void {
    active.delete(run.job.runId)
    freeSlot(run.host, run.slot)
  }

  /** A run's next `count` events as stored (one JSON array): numbered, live on the bus, one row of the next commit. */
  function record(run: Active, stored: string, count: number): void {
    const firstSeq = run.seq + 1
    run.seq += count
    bus.publish(run.job.runId, firstSeq, stored)
    writer.trace({ run_id: run.job.runId, first_seq: firstSeq, last_seq: run.seq, data: stored })
  }

  const trace = (run: Active, event: TraceEvent) => record(run, `[${compact(event)}]`, 1)

  /** A run that had started but stored no checkpoint begins again, and its trace says why. */
  function traceStartOver(runId: string): void {
    const at = new Date(opts.clock()).toISOString()
    trace(active.get(runId)!, { type: 'run.resumed', runId, at, reason: 'restart' })
  }

  /**
   * `traced`: the engine traced run.finished; `path`: what the run touched, as its thread
   * gathered it (null when the thread could not: the trigger then reads the stored trace).
   */
  async function finish(
    run: Active,
    status: 'succeeded' | 'failed' | 'cancelled',
    error: string | null,
    { traced, path }: { traced: boolean; path: string | null } = { traced: false, path: null },
  ) {
    release(run)
    const finishedAt = now()
    const durationMs = Date.parse(finishedAt) - Date.parse(run.job.acceptedAt)
    // Subscribers end on run.finished; synthesize it when the engine could not send it.
    if (!traced) {
      const at = new Date(opts.clock()).toISOString()
      trace(run, {
        type: 'run.finished',
        runId: run.job.runId,
        at,
        status,
        error: error ?? undefined,
        durationMs,
      })
    }
    try {
      // Not lazy: the run's queue slot (and in queue mode its job) is freed once this is stored.
      await writer.update(run.job.runId, {
        status,
        error,
        finished_at: finishedAt,
        duration_ms: durationMs,
        analytics_path: run.countPath ? path : null,
        state: null,
        resume_at: null,
      })
    } catch {
      // Logged by the writer; the run stays unfinished in the database and resumes at the next start.
    }
    bus.close(run.job.runId)
    run.done()
  }

  function sendJob(job: Omit<HostJob, 'host' | 'slot'>): void {
    withSlot((host, slot) => {
      jobs.set(job.id, Object.assign({}, job, { host: host.handle, slot }))
      host.handle.send(job.message(slot, host))
    })
  }

  function startJob<T>(what: string, message: (id: string, slot: number, host: Host) => ToHost): Promise<T> {
    const id = `job:${++jobCount}`
    return new Promise((resolve, reject) => {
      sendJob({
        id,
        what,
        message: (slot, host) => message(id, slot, host),
        resolver: opts.resolverForRun(),
        resolve: resolve as (value: unknown) => void,
        reject,
      })
    })
  }

  /** A data-store operation of a run or job on `handle`, answered when done. */
  function store(handle: HostHandle, msg: Extract<FromHost, { t: 'store' }>): void {
    const fn = opts.dataStore[msg.op] as (...args: unknown[]) => unknown
    Promise.resolve()
      .then(() => fn(...msg.args))
      .then(
        (value) => handle.send({ t: 'stored', id: msg.id, value }),
        (err: Error) => handle.send({ t: 'stored', id: msg.id, error: err.message }),
      )
  }

  function onJobMessage(handle: HostHandle, msg: FromHost): void {
    const job = jobs.get(msg.runId)
    if (!job || job.host !== handle) return
    if (msg.t === 'store') store(handle, msg)
    else if (msg.t === 'resolve') {
      Promise.resolve(job.resolver(msg.connectionId)).then(
        (connection) => handle.send({ t: 'resolved', id: msg.id, connection }),
        (err: Error) => handle.send({ t: 'resolved', id: msg.id, connection: null, error: err.message }),
      )
    } else if (msg.t === 'tests-done' || msg.t === 'filter-done' || msg.t === 'wait-keys-done') {
      jobs.delete(job.id)
      freeSlot(job.host, job.slot)
      job.resolve(msg.t === 'tests-done' ? msg.outcomes : msg.t === 'filter-done' ? msg.accepted : msg.keys)
    }
  }

  function onMessage(handle: HostHandle, msg: FromHost): void {
    if (jobs.has(msg.runId)) {
      onJobMessage(handle, msg)
      return
    }
    const run = active.get(msg.runId)
    if (!run || run.host !== handle) return
    switch (msg.t) {
      case 'events':
        record(run, msg.data, msg.count)
        return
      case 'checkpoint':
        if (msg.events) record(run, msg.events.data, msg.events.count)
        // id 0: stored with the next commit, the run did not wait for it.
        // The status is 'running' since the start: leaving it out spares its indexes and triggers.
        writer.update(run.job.runId, { state: msg.state }, { lazy: msg.id === 0 }).then(
          () => msg.id !== 0 && handle.send({ t: 'ack', id: msg.id }),
          (err: Error) => {
            handle.send({ t: 'cancel', runId: run.job.runId })
            void finish(run, 'failed', `the run's progress could not be stored: ${err.message}`)
          },
        )
        return
      case 'store':
        store(handle, msg)
        return
      case 'resolve':
        Promise.resolve(run.resolver(msg.connectionId)).then(
          (connection) => handle.send({ t: 'resolved', id: msg.id, connection }),
          (err: Error) => handle.send({ t: 'resolved', id: msg.id, connection: null, error: err.message }),
        )
        return
      case 'suspended': {
        release(run)
        const { nodeId, state, resumeAt, waitFor } = msg
        const stored = waitFor
          ? writer.flushed().then(() => opts.recordOutsideWait(run.job, { nodeId, state, resumeAt, waitFor }))
          : writer.update(run.job.runId, { status: 'waiting', state, resume_at: resumeAt, wake: null })
        stored
          .then(
            () => resumeAt && opts.onSuspended(run.job.runId, resumeAt),
            (err: Error) => opts.logger?.error({ err, runId: run.job.runId }, 'storing a waiting run failed'),
          )
          .finally(() => {
            bus.close(run.job.runId)
            run.done()
          })
        return
      }
      case 'finished':
        if (msg.events) record(run, msg.events.data, msg.events.count)
        void finish(run, msg.status, msg.error, msg)
        return
    }
  }

  /** Replaces a thread; `stuck` runs fail, the others continue from their stored state. */
  async function replace(handle: HostHandle, stuck: { slot: number; node: number }[]): Promise<void> {
    handle.terminate()
    const index = hosts.findIndex((h) => h.handle === handle)
    if (index >= 0) hosts.splice(index, 1)
    const runs = [...active.values()].filter((r) => r.host === handle)
    for (const run of runs) active.delete(run.job.runId)
    const culprits = new Set(stuck.map((s) => s.slot))
    for (const job of [...jobs.values()].filter((j) => j.host === handle)) {
      jobs.delete(job.id)
      if (culprits.has(job.slot))
        job.reject(new Error(`${job.what}'s expression took longer than ${limitText(opts.stepLimitMs)}`))
      else sendJob(job)
    }
    for (const run of runs) {
      const s = stuck.find((x) => x.slot === run.slot)
      if (!culprits.has(run.slot) && ++run.deaths < MAX_DEATHS) continue
      const nodeId = s ? run.model.nodes[s.node]?.id : undefined
      const reason = s
        ? `expression took longer than ${limitText(opts.stepLimitMs)}`
        : 'the run stopped its thread repeatedly'
      if (nodeId) {
        const at = new Date(opts.clock()).toISOString()
        trace(run, {
          type: 'node.failed',
          runId: run.job.runId,
          at,
          nodeId,
          error: reason,
          durationMs: opts.stepLimitMs,
        })
      }
      void finish(run, 'failed', nodeId ? `${nodeId}: ${reason}` : reason)
    }
    serveWaiters()
    // Continue the others from what is stored: their checkpoint, or the start.
    await writer.flushed().catch(() => {})
    for (const run of runs) {
      if (culprits.has(run.slot) || run.deaths >= MAX_DEATHS) continue
      // A turn of the event loop per run: on SQLite these reads resolve without one, and
      // fifty runs' resumption held /healthz up for 54 ms (the isolation test's limit is 50).
      await new Promise((resolve) => setImmediate(resolve))
      const row = await db
        .selectFrom('runs')
        .select(['state', 'wake'])
        .where('id', '=', run.job.runId)
        .executeTakeFirst()
      const { host: _h, slot: _s, ...rest } = run
      const from = await resumeFrom(run.job.runId, row?.state ?? null, row?.wake ?? null)
      // What the dead thread gathered of the run's path is lost: the trigger reads the trace.
      // Without a checkpoint it starts over; with one, the engine traces the resumption.
      dispatch({ ...rest, countPath: false }, { ...from, startOver: !row?.state })
    }
  }

  const watchdog = setInterval(() => {
    for (const host of [...hosts]) {
      const stuck = host.handle.marks?.overdue(opts.stepLimitMs)
      if (stuck && stuck.length > 0) {
        logger?.warn({ stuck: stuck.length }, 'a step computed past its limit; replacing its run thread')
        void replace(host.handle, stuck)
      }
    }
  }, WATCHDOG_MS)
  watchdog.unref()

  return {
    /** Prepares the thread code (before the server listens: nothing waits for it later). */
    async prepare(): Promise<void> {
      if (!inline) entry = await threadBundle()
    },

    /** Starts the threads; once the server's URL is known (they reach its demo recommender). */
    start(): void {
      while (hosts.length < count) hosts.push(newHost())
    },

    /** Executes a run (or its next segment); resolves when it finished or suspended, and that is stored. */
    async execute(job: RunJob): Promise<void> {
      if (cancelled.delete(job.runId)) return
      let seq = 0
      let from: ResumeFrom = {}
      if (job.resume) {
        await writer.flushed().catch(() => {})
        const row = await db
          .selectFrom('runs')
          .select(['status', 'state', 'wake'])
          .where('id', '=', job.runId)
          .executeTakeFirst()
        // Cancelled or finished meanwhile.
        if (!row || (row.status !== 'queued' && row.status !== 'running')) return
        from = await resumeFrom(job.runId, row.state, row.wake)
        // Started before the restart but nothing stored yet: it starts over, and says so.
        from.startOver = row.status === 'running' && !row.state
        seq = await lastSeq(db, job.runId)
        bus.open(job.runId)
      }
      const model = job.model ?? (await opts.loadVersionModel(job.workflowId, job.version!))
      const resolver = opts.resolverForRun()
      const connections = await prefetchConnections(model, resolver)
      if (cancelled.delete(job.runId)) return
      await new Promise<void>((done) => {
        const run = {
          job,
          model,
          seq,
          resolver,
          connections,
          deaths: 0,
          // Dry runs are never counted; resumed runs did not show this pool their first steps.
          countPath: !job.resume && !job.dryRun,
          done,
        }
        dispatch(run, from)
        void writer.update(job.runId, { status: 'running' }, { lazy: true }).catch(() => {})
      })
    },

    /** Cancels a run executing here; false when it is not (queued, waiting or elsewhere). */
    cancel(runId: string): boolean {
      const run = active.get(runId)
      if (!run) {
        remember(runId)
        return false
      }
      run.host.send({ t: 'cancel', runId })
      return true
    },

    isActive: (runId: string) => active.has(runId),

    /** Judges a model's saved test cases on a run thread: user expressions never run here. */
    runTests(model: Workflow): Promise<TestCaseOutcome[]> {
      if ((model.tests ?? []).length === 0) return Promise.resolve([])
      return startJob('a test case', (runId, slot) => ({ t: 'tests', runId, slot, model }))
    },

    /** Whether the start filter of a model lets an event in, evaluated on a run thread. */
    acceptsEvent(model: Workflow, modelKey: string, event: unknown): Promise<boolean> {
      return startJob('the start filter', (runId, slot, host) => {
        const known = host.models.has(modelKey)
        host.models.add(modelKey)
        return { t: 'filter', runId, slot, modelKey, model: known ? undefined : model, event }
      })
    },

    /** The keys an event resumes waiting runs under, per wait-for-event step, evaluated on a run thread. */
    waitKeys(
      model: Workflow,
      modelKey: string,
      nodeIds: string[],
      event: unknown,
    ): Promise<Record<string, string | null>> {
      return startJob('a wait-for-event filter', (runId, slot, host) => {
        const known = host.models.has(modelKey)
        host.models.add(modelKey)
        return { t: 'wait-keys', runId, slot, modelKey, model: known ? undefined : model, nodeIds, event }
      })
    },

    close(): void {
      clearInterval(watchdog)
      for (const h of hosts.splice(0)) h.handle.terminate()
    },
  }
}

export type RunPool = ReturnType<typeof createRunPool>
