import { availableParallelism } from 'node:os'
import type { Logger } from 'pino'
import type { Db, RawDatabase } from '../db'
import { envInt } from '../env-numbers'
import { createAuditService } from './audit'
import { createAuthService } from './auth'
import { createConnectionService } from './connections'
import { createDataStore } from './data-store'
import type { RunDeps, Workflow } from './engine'
import { createRunPool } from './execution/run-pool'
import { createHttpClient } from './http-client'
import { IntakeGate } from './intake-gate'
import { createMailClient } from './mail-client'
import { createOutboundGuard, type OutboundGuardOptions } from './outbound-guard'
import { createQueueMode, type QueueModeOptions } from './queue-mode'
import { backlogLimitsFromEnv, InProcessRunQueue, type RunQueue } from './run-queue'
import { commitBackend } from './run-store/backends'
import { hotQueries } from './run-store/hot-queries'
import { RunWriter } from './run-store/run-writer'
import { createRunService } from './runs'
import { createScheduleService } from './schedules'
import { createSecretBox, deriveKey } from './secret-box'
import { createSourceService } from './sources'
import { InProcessTraceBus, type TraceBus } from './trace-bus'
import { createUserService } from './users'
import { createVersionService } from './versions'
import { WaitScheduler } from './wait-scheduler'
import { createWaitingRuns } from './waiting-runs'
import { createWebhookSecrets } from './webhook-secrets'
import { createWorkflowService, readVersionModel } from './workflows'

export interface ServicesOptions {
  db: Db
  /** The driver handle under `db`, for the run store's hot path. */
  raw?: RawDatabase
  logger?: Logger
  /** This server's own origin (known after listen); templates point the demo recommender at it. */
  serverUrl: () => string
  runDeps?: RunDeps
  runConcurrency?: number
  /** The 32-byte key sealing connection secrets (see secret-box.ts: loadSecretKey). */
  secretKey: Buffer
  /** FLOWLINE_ALLOW_HOSTS: loopback/private hosts outbound calls may reach anyway. */
  allowHosts?: string
  /** DNS resolution for outbound calls; tests substitute their own. */
  lookup?: OutboundGuardOptions['lookup']
  /**
   * Worker threads executing runs (FLOWLINE_RUN_THREADS); default cores − 1, at least 1.
   * 0 runs them on this thread: only for tests that inject functions (fetch, DNS).
   */
  runThreads?: number
  /** A step computing longer than this without yielding is stopped (FLOWLINE_STEP_TIMEOUT_MS). */
  stepTimeoutMs?: number
  /** The run and wait clock, epoch ms (FLOWLINE_CLOCK_SKEW_MS shifts it in tests of long waits). */
  clock?: () => number
  /** REDIS_URL: runs go through BullMQ and traces through Redis (queue-mode/). */
  queueMode?: QueueModeOptions
}

/**
 * Runs executing at once (FLOWLINE_RUN_CONCURRENCY). Runs mostly wait on outbound calls, so
 * this, not CPU, caps throughput when APIs are slow: with stub APIs answering in 50 ms (4 calls
 * per run), 32 finished 147 runs/s with the core 24 % busy, 128 finished 490 (`npm run bench --
 * live`, BENCH_STUB_LATENCY_MS=50). Memory grows with it only as far as runs hold large answers
 * (up to 5 MiB each); queued runs' events are bounded by the backlog limits.
 */
const DEFAULT_RUN_CONCURRENCY = 128

export function defaultRunThreads(): number {
  return Math.max(1, availableParallelism() - 1)
}

// Versions are immutable, so their parsed models can be cached without invalidation.
function versionModelCache(db: Db, limit = 500) {
  const cache = new Map<string, Workflow>()
  return async (workflowId: string, version: number): Promise<Workflow> => {
    const key = `${workflowId}@${version}`
    const hit = cache.get(key)
    if (hit) return hit
    const model = await readVersionModel(db, workflowId, version)
    if (cache.size >= limit) cache.clear()
    cache.set(key, model)
    return model
  }
}

export function createServices(opts: ServicesOptions) {
  const { logger } = opts
  const box = createSecretBox(opts.secretKey)
  // Webhook signing secrets are sealed and opened by the storage layer itself (webhook-secrets.ts).
  const webhookSecrets = createWebhookSecrets(box, logger)
  const db = opts.db.withPlugin(webhookSecrets.plugin)
  const guard = createOutboundGuard({
    allowHosts: opts.allowHosts,
    selfUrl: opts.serverUrl,
    lookup: opts.lookup,
  })
  const http = createHttpClient({ guard })
  const mail = createMailClient({ guard })
  // Run threads seal the checkpoints of runs holding generated secrets with a key of their own.
  const stateKey = deriveKey(opts.secretKey, 'run-state')
  const audit = createAuditService(db)
  const connections = createConnectionService({
    db,
    audit,
    box,
    http,
    logger,
  })
  // A fresh resolver per run: a rotated secret is picked up by the next run, never mid-run.
  const runDeps = (): RunDeps => ({
    fetch: http,
    sendMail: mail,
    resolveConnection: connections.resolverForRun(),
    ...opts.runDeps,
  })
  const qm = opts.queueMode ? createQueueMode(opts.queueMode, logger) : undefined
  const users = createUserService(db)
  const auth = createAuthService(db, users, qm?.limiter)
  const catalog = () => connections.catalog()
  const clock = opts.clock ?? Date.now
  const schedules = createScheduleService({ db, clock, runs: () => runs, queueMode: qm, logger })
  const workflows = createWorkflowService(db, audit, catalog, schedules.published)
  const versions = createVersionService(
    db,
    workflows,
    audit,
    (model) => pool.runTests(model),
    catalog,
    schedules.published,
  )
  const bus: TraceBus = qm?.bus ?? new InProcessTraceBus()
  const writer = new RunWriter(commitBackend(db, opts.raw), logger)
  // Functions cannot cross into a thread: injected clients keep runs on this thread.
  // A queue-mode API executes no runs: one thread judges drafts' test cases.
  const threads =
    opts.runThreads ??
    (opts.runDeps?.fetch || opts.runDeps?.sendMail || opts.lookup
      ? 0
      : qm?.role === 'api'
        ? 1
        : defaultRunThreads())
  const { fetch: _f, resolveConnection: _r, ...plainRunDeps } = opts.runDeps ?? {}
  const loadVersionModel = versionModelCache(db)
  const pool = createRunPool({
    db,
    writer,
    bus,
    logger,
    threads,
    concurrency: opts.runConcurrency ?? DEFAULT_RUN_CONCURRENCY,
    stepLimitMs: opts.stepTimeoutMs ?? 1_000,
    hostConfig: () => ({
      allowHosts: opts.allowHosts,
      selfUrl: opts.serverUrl(),
      clockSkewMs: clock() - Date.now(),
      http: plainRunDeps.http,
      limits: plainRunDeps.limits,
      stateKey,
    }),
    inlineDeps: () => {
      const { resolveConnection: _, ...deps } = runDeps()
      return deps
    },
    clock,
    loadVersionModel,
    resolverForRun: () => connections.resolverForRun(),
    dataStore: createDataStore(db),
    // Queue mode: a delayed BullMQ job wakes the run at its time, on whichever worker takes it.
    onSuspended: (runId, at) =>
      qm
        ? qm.queue
            .addWake(runId, at, Date.parse(at) - clock())
            .catch((err) =>
              logger?.warn({ err, runId }, 'no delayed job for a wait: the database poll will resume it'),
            )
        : waits.nudge(at),
    recordOutsideWait: (job, wait) => waitingRuns.record(job, wait),
  })
  const queue: RunQueue =
    qm?.queue ??
    new InProcessRunQueue((job) => pool.execute(job), opts.runConcurrency ?? DEFAULT_RUN_CONCURRENCY)
  const waits = new WaitScheduler({
    db,
    clock,
    logger,
    resume: (runId) => runs.resume(runId),
    // Queue mode: waits are delayed jobs; the poll is only the safety net for jobs Redis lost.
    pollMs: qm ? (envInt(process.env, 'FLOWLINE_WAIT_POLL_MS', 1) ?? 30_000) : undefined,
  })
  const hot = hotQueries(db, opts.raw, webhookSecrets.open)
  // Queue mode: the run may execute on any worker; the one that has it stops it.
  const cancelRun = qm
    ? {
        cancel: (runId: string) => {
          qm.requestCancel(runId)
          return false
        },
      }
    : pool
  const backlog = backlogLimitsFromEnv()
  const runs = createRunService({ db, bus, queue, audit, workflows, pool: cancelRun, writer, hot })
  const waitingRuns = createWaitingRuns({
    db,
    audit,
    loadVersionModel,
    waitKeys: (model, key, nodeIds, event) => pool.waitKeys(model, key, nodeIds, event),
    resume: (runId) => runs.resume(runId),
    hasEventWaits: hot.hasEventWaits,
  })
  return {
    audit,
    users,
    auth,
    connections,
    workflows,
    versions,
    runs,
    bus,
    queue,
    /** Intake waits for room, then answers 503, beyond these (FLOWLINE_MAX_BACKLOG, …_BYTES, FLOWLINE_BACKLOG_WAIT_MS). */
    backlog,
    /** Admission to the backlog for intake: close() it before the server closes. */
    intake: new IntakeGate(queue, backlog),
    pool,
    writer,
    hot,
    waits,
    /** Schedule triggers of published workflows: start() with the server, stop() before it closes. */
    schedules,
    waitingRuns,
    sources: createSourceService(db, audit),
    http,
    /** At start: seals webhook signing secrets that earlier versions stored in clear. */
    sealStoredWebhookSecrets: () => webhookSecrets.sealStored(opts.db),
    /** Set in queue mode (REDIS_URL). */
    queueMode: qm,
    /** What every run gets injected; runs.runTests judges drafts' test cases with it, as publish does. */
    runDeps,
    serverUrl: opts.serverUrl,
  }
}

export type Services = ReturnType<typeof createServices>
