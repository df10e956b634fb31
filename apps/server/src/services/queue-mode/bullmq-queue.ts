import { type Job, Queue, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { RunJob, RunQueue } from '../run-queue'
import { cronRepeatStrategy, SCHEDULE_JOB, type ScheduleJobData, scheduledMillis } from '../schedules/bullmq'
import { QUEUE_NAME } from './redis'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Job states that mean "accepted, not finished" (delayed jobs are waits and schedules, not backlog). */
const BACKLOG = ['waiting', 'active', 'prioritized', 'waiting-children'] as const
const SIZE_REFRESH_MS = 1_000
/** How long an enqueue keeps trying when the run's previous job is still finishing. */
const REQUEUE_PATIENCE_MS = 10 * 60_000
/** A waiting run's delayed job: at its time a worker resumes the run (DESIGN §6 "waits are delayed jobs"). */
export const WAKE_JOB = 'wake'
export interface WakeJobData {
  runId: string
  resumeAt: string
}

export interface BullQueueOptions {
  connection: Redis
  prefix: string
  logger?: Logger
  /** Attempts when the processor throws (storage briefly unreachable); the run itself records its failures. */
  attempts?: number
}

/**
 * The producer side of queue mode: one BullMQ job per run, jobId = runId. BullMQ never
 * holds two jobs with one id, so a run is never executed by two workers at once, and
 * re-adding a run that is waiting or active (recover() of a second API) is a no-op.
 * Finished jobs are removed at once so that the next segment of the run (after a wait)
 * can be added under the same id.
 */
export class BullMqRunQueue implements RunQueue {
  readonly queue: Queue
  private counted = 0
  private addedSinceCount = 0
  private countedAt = 0
  private counting: Promise<void> | null = null
  private closed = false
  /** Mean event bytes of the runs this process enqueued (jobs carry their event into Redis). */
  private meanBytes = 0

  constructor(private readonly opts: BullQueueOptions) {
    this.queue = new Queue(QUEUE_NAME, {
      connection: opts.connection,
      prefix: opts.prefix,
      // Schedule triggers are job schedulers on this queue (services/schedules/bullmq.ts).
      settings: { repeatStrategy: cronRepeatStrategy },
    })
  }

  async enqueue(job: RunJob): Promise<void> {
    await this.add(job)
    this.addedSinceCount++
    if (job.bytes !== undefined) this.meanBytes += (job.bytes - this.meanBytes) / 64
    // A resumed segment may meet the previous segment's job still completing (same id):
    // that add was a no-op, so make sure a job exists once the old one is gone.
    if (job.resume) void this.ensureQueued(job)
  }

  private add(job: RunJob) {
    return this.queue.add('run', job, {
      jobId: job.runId,
      removeOnComplete: true,
      removeOnFail: true,
      attempts: this.opts.attempts ?? 5,
      backoff: { type: 'exponential', delay: 1_000 },
    })
  }

  private async ensureQueued(job: RunJob): Promise<void> {
    const deadline = Date.now() + REQUEUE_PATIENCE_MS
    // Backing off: at an API start every active job of every worker (recover) passes here.
    let pauseMs = 50
    try {
      while (!this.closed && Date.now() < deadline) {
        const state = await this.queue.getJobState(job.runId)
        // Gone: the old job completed after our add; add again (a no-op should a worker have it).
        if (state === 'unknown') {
          await this.add(job)
          return
        }
        if (state !== 'active' && state !== 'completed' && state !== 'failed') return
        await sleep(pauseMs)
        pauseMs = Math.min(pauseMs * 2, 5_000)
      }
    } catch (err) {
      this.opts.logger?.warn({ err, runId: job.runId }, 'could not confirm a resumed run was queued')
    }
  }

  /**
   * A delayed job that wakes a waiting run at `resumeAt`. One per run and time (the id), so a
   * run recorded twice gets one job; the database decides whether it still waits then.
   */
  async addWake(runId: string, resumeAt: string, delayMs: number): Promise<void> {
    const data: WakeJobData = { runId, resumeAt }
    await this.queue.add(WAKE_JOB, data, {
      jobId: `wake:${runId}:${Date.parse(resumeAt)}`,
      delay: Math.max(0, delayMs),
      removeOnComplete: true,
      removeOnFail: true,
      attempts: this.opts.attempts ?? 5,
      backoff: { type: 'exponential', delay: 1_000 },
    })
  }

  /** Removes a job no worker has taken yet; locked (active) jobs stay. */
  async remove(runId: string): Promise<boolean> {
    // Never rejects: callers (cancel) do not await it, and the database decides the run's fate.
    try {
      // BullMQ's remove answers 1 for an id it does not hold too.
      if ((await this.queue.getJobState(runId)) === 'unknown') return false
      return (await this.queue.remove(runId)) === 1
    } catch (err) {
      this.opts.logger?.warn({ err, runId }, 'could not drop a queued run job')
      return false
    }
  }

  /** Depth over all producers, refreshed at most once a second, plus what this process added since. */
  get size(): number {
    if (Date.now() - this.countedAt > SIZE_REFRESH_MS) void this.refresh()
    return this.counted + this.addedSinceCount
  }

  /** An estimate (the backlog's depth times the mean event size seen here): jobs wait in Redis. */
  get bytes(): number {
    return Math.round(this.size * this.meanBytes)
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts(...BACKLOG, 'delayed', 'failed')
  }

  private refresh(): Promise<void> {
    this.counting ??= (async () => {
      const base = this.addedSinceCount
      try {
        const c = await this.queue.getJobCounts(...BACKLOG)
        this.counted = Object.values(c).reduce((a, b) => a + b, 0)
        this.addedSinceCount -= base
      } catch {
        // Redis unreachable: keep the last estimate; enqueue reports the failure itself.
      } finally {
        this.countedAt = Date.now()
        this.counting = null
      }
    })()
    return this.counting
  }

  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      this.countedAt = 0
      await this.refresh()
      if (this.size === 0) return true
      if (Date.now() >= deadline) return false
      await sleep(Math.min(25, Math.max(1, deadline - Date.now())))
    }
  }

  async close(): Promise<void> {
    this.closed = true
    await this.queue.close()
  }
}

export interface RunWorkerOptions {
  connection: Redis
  prefix: string
  concurrency: number
  execute: (job: RunJob) => Promise<void>
  logger?: Logger
  /** A worker silent this long (kill -9) loses its jobs to others (FLOWLINE_WORKER_LOCK_MS). */
  lockDurationMs?: number
  /** How often workers look for stalled jobs. */
  stalledIntervalMs?: number
  /** A schedule trigger's job came due: start its run (services/schedules: fire). */
  onSchedule?: (data: ScheduleJobData, scheduledMs: number) => Promise<unknown>
  /** A waiting run's delayed job came due: resume it if it still waits. */
  onWake?: (data: WakeJobData) => Promise<unknown>
}

/**
 * The consumer side: executes jobs through the run pool. A job started before (its worker
 * died, its lock expired, BullMQ moved it back) resumes from the run's stored checkpoint.
 */
export function startRunWorker(opts: RunWorkerOptions): Worker {
  const lockDuration = opts.lockDurationMs ?? 30_000
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job<RunJob>) => {
      if (job.name === SCHEDULE_JOB) {
        await opts.onSchedule?.(job.data as unknown as ScheduleJobData, scheduledMillis(job))
        return
      }
      if (job.name === WAKE_JOB) {
        await opts.onWake?.(job.data as unknown as WakeJobData)
        return
      }
      const resume = job.data.resume === true || job.attemptsStarted > 1 || job.attemptsMade > 0
      await opts.execute(resume ? { ...job.data, resume: true } : job.data)
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      // The next time of a schedule is computed by the worker that takes its job.
      settings: { repeatStrategy: cronRepeatStrategy },
      lockDuration,
      stalledInterval: opts.stalledIntervalMs ?? Math.max(1_000, Math.floor(lockDuration / 2)),
      // A run must never be dropped because workers died under it a few times.
      maxStalledCount: 100,
      autorun: true,
    },
  )
  worker.on('error', (err) => opts.logger?.error({ err }, 'queue worker error'))
  worker.on('failed', (job, err) =>
    opts.logger?.warn({ err, runId: job?.id, attempts: job?.attemptsMade }, 'run job failed'),
  )
  return worker
}
