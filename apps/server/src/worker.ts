import { resolve } from 'node:path'
import { openDatabase } from './db'
import { envInt } from './env-numbers'
import { createLogger } from './logger'
import { createServices } from './services'
import { queueModeFromEnv } from './services/queue-mode'
import { startSweeper } from './services/queue-mode/sweeper'
import { loadSecretKey } from './services/secret-box'

/**
 * `npm run worker` (queue mode): executes runs taken from BullMQ on this machine's run
 * threads, checkpointing to the shared PostgreSQL. Any number of workers, anywhere; a
 * worker that dies has its jobs taken over by the others, from their checkpoints.
 */
const logger = createLogger()
const env = process.env

try {
  const queueMode = queueModeFromEnv(env, 'worker')
  if (!queueMode) throw new Error('the worker needs REDIS_URL and a PostgreSQL DATABASE_URL')
  const dataDir = resolve(env.FLOWLINE_DATA_DIR ?? './data')
  const { db, raw } = await openDatabase({ dataDir, databaseUrl: env.DATABASE_URL })
  const concurrency = envInt(env, 'FLOWLINE_WORKER_CONCURRENCY', 1) ?? 32
  const clockSkew = envInt(env, 'FLOWLINE_CLOCK_SKEW_MS')
  const shutdownGraceMs = envInt(env, 'FLOWLINE_SHUTDOWN_GRACE_MS', 0) ?? 10_000
  // Self-calls of templates (the demo recommender) go to an API process.
  const apiUrl = env.FLOWLINE_API_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`
  const services = createServices({
    db,
    raw,
    logger,
    serverUrl: () => apiUrl,
    runConcurrency: concurrency,
    runThreads: envInt(env, 'FLOWLINE_RUN_THREADS', 1),
    stepTimeoutMs: envInt(env, 'FLOWLINE_STEP_TIMEOUT_MS', 1),
    clock: clockSkew ? () => Date.now() + clockSkew : undefined,
    // Every process must share FLOWLINE_SECRET_KEY to read the connection secrets.
    secretKey: loadSecretKey({ secretKey: env.FLOWLINE_SECRET_KEY, dataDir, logger }),
    allowHosts: env.FLOWLINE_ALLOW_HOSTS,
    queueMode,
  })
  await services.connections.verifyKey()
  await services.pool.prepare()
  services.pool.start()
  const qm = services.queueMode!
  await qm.startWorker({
    execute: (job) => services.pool.execute(job),
    cancel: (runId) => void services.pool.cancel(runId),
    onSchedule: (data, scheduledMs) => services.schedules.fire(data, scheduledMs),
    onWake: ({ runId }) => services.waits.wakeWhenDue(runId),
    concurrency,
    lockDurationMs: envInt(env, 'FLOWLINE_WORKER_LOCK_MS', 1),
  })
  // Waits are delayed jobs; this poll (every FLOWLINE_WAIT_POLL_MS) only finds those Redis lost.
  // Claims are conditional updates in the database: any number of workers may poll.
  services.waits.start()
  const sweeper = startSweeper({
    db,
    queue: qm.queue,
    resume: (runId) => services.runs.resume(runId),
    everyMs: envInt(env, 'FLOWLINE_QUEUE_SWEEP_MS', 1),
    logger,
  })
  logger.info({ concurrency, pid: process.pid }, 'Flowline worker taking runs')

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'worker shutting down')
    ;(async () => {
      sweeper.stop()
      await services.waits.stop()
      await qm.close(shutdownGraceMs)
      services.pool.close()
      await services.writer.flushed().catch(() => {})
      services.http.close()
      await db.destroy()
    })().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'worker shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
} catch (err) {
  logger.fatal({ err }, 'Flowline worker failed to start')
  process.exit(1)
}
