import type { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { RunJob } from '../run-queue'
import type { ScheduleJobData } from '../schedules/bullmq'
import { BullMqRunQueue, startRunWorker, type WakeJobData } from './bullmq-queue'
import { DEFAULT_PREFIX, type QueueModeOptions, redisConnection } from './redis'
import { RedisFailureLimiter } from './redis-rate-limit'
import { RedisTraceBus } from './redis-trace-bus'

export type { QueueModeOptions } from './redis'
export { queueModeFromEnv } from './redis'

export interface QueueStatus {
  mode: 'queue'
  queue: Record<string, number>
  workers: { name: string; addr?: string; age?: number; idle?: number }[]
}

/**
 * Everything queue mode replaces in createServices: the BullMQ queue, the Redis trace bus,
 * the shared login limiter, and a cancel channel (a run executing on a worker is stopped there).
 */
export function createQueueMode(opts: QueueModeOptions, logger?: Logger) {
  const prefix = opts.prefix ?? DEFAULT_PREFIX
  const connection: Redis = redisConnection(opts.redisUrl, `flowline-${opts.role}`)
  const queue = new BullMqRunQueue({ connection, prefix, logger })
  const bus = new RedisTraceBus({ url: opts.redisUrl, prefix, logger, follow: opts.role === 'api' })
  const limiter = new RedisFailureLimiter(connection, prefix)
  const cancelChannel = `${prefix}:cancel`
  let cancelSub: Redis | null = null
  let worker: Worker | null = null

  return {
    role: opts.role,
    queue,
    bus,
    limiter,

    /** API processes: follow trace announcements of other processes. */
    listen: () => bus.listen(),

    /** Asks whichever worker executes the run to stop it (fire and forget). */
    requestCancel(runId: string): void {
      connection.publish(cancelChannel, runId).catch((err) => logger?.warn({ err, runId }, 'cancel not sent'))
    },

    /** Workers: consume run jobs and honour cancel requests. */
    async startWorker(o: {
      execute: (job: RunJob) => Promise<void>
      cancel: (runId: string) => void
      concurrency: number
      lockDurationMs?: number
      /** Schedule triggers' jobs (services/schedules: fire). */
      onSchedule?: (data: ScheduleJobData, scheduledMs: number) => Promise<unknown>
      /** Waiting runs' delayed jobs. */
      onWake?: (data: WakeJobData) => Promise<unknown>
    }): Promise<Worker> {
      cancelSub = redisConnection(opts.redisUrl, 'flowline-cancel')
      cancelSub.on('message', (_c: string, runId: string) => o.cancel(runId))
      await cancelSub.subscribe(cancelChannel)
      worker = startRunWorker({ connection, prefix, logger, ...o })
      await worker.waitUntilReady()
      return worker
    },

    /** Queue depth and the workers Redis knows of (for /healthz and system.status). */
    async status(): Promise<QueueStatus> {
      const [counts, workers] = await Promise.all([queue.counts(), queue.queue.getWorkers()])
      return {
        mode: 'queue',
        queue: counts,
        workers: workers.map((w) => ({
          name: String(w.name ?? ''),
          addr: w.addr,
          age: w.age === undefined ? undefined : Number(w.age),
          idle: w.idle === undefined ? undefined : Number(w.idle),
        })),
      }
    },

    /** Workers stop taking jobs and wait for theirs up to `graceMs`; the rest stall and move on. */
    async close(graceMs = 10_000): Promise<void> {
      if (worker) {
        const w = worker
        await Promise.race([w.close(), new Promise((r) => setTimeout(r, graceMs))])
        if (w.isRunning()) await w.close(true).catch(() => {})
      }
      cancelSub?.disconnect()
      await queue.close().catch(() => {})
      await bus.shutdown()
      connection.disconnect()
    },
  }
}

export type QueueMode = ReturnType<typeof createQueueMode>
