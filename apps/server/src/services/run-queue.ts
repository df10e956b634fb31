import { envInt } from '../env-numbers'
import type { Workflow } from './engine'

/** Everything a worker needs to execute a run; small and serializable for a real queue. */
export interface RunJob {
  runId: string
  workflowId: string
  /** null for a draft test run, whose model travels in the job. */
  version: number | null
  model?: Workflow
  /** The event, unless `eventJson` carries it. */
  event?: unknown
  /**
   * The event as JSON text, where the text is at hand (a webhook's body, a stored run), instead
   * of `event`: a job waiting in the backlog then holds one string rather than a parsed tree,
   * which V8's young-generation GC copies object by object while the job waits. The run
   * thread parses it.
   */
  eventJson?: string
  mocks?: Record<string, unknown>
  dryRun: boolean
  /** When the run was accepted: its latency is measured from here, queueing included. */
  acceptedAt: string
  /** Size of the event as stored (JSON characters): the backlog is bounded in bytes too. */
  bytes?: number
  /** Continue from the state stored in the database (after a wait, a restart or a lost thread). */
  resume?: boolean
  /** The trigger node a fresh run starts at (the schedule that fired); default: the event start. */
  startAt?: string
}

/**
 * Hands accepted runs to whatever executes them. The run row is committed before a job is
 * enqueued, so a queue may lose jobs in a crash: the next start resumes every unfinished
 * run from the database. A BullMQ queue (queue mode) implements the same contract.
 */
export interface RunQueue {
  enqueue(job: RunJob): Promise<void>
  /** Drops a job not yet started (a cancelled run); false when it is not waiting here (async in Redis). */
  remove(runId: string): boolean | Promise<boolean>
  /** Jobs accepted but not finished: the webhook sheds load above a limit instead of queueing forever. */
  readonly size: number
  /** Event bytes those jobs hold (`RunJob.bytes`): a few huge events weigh as much as many small ones. */
  readonly bytes: number
  /** Resolves true when every accepted job finished within the timeout. */
  drain(timeoutMs: number): Promise<boolean>
  /** Calls `listener` whenever a job settles here (room in the backlog); queues without it are polled. */
  onSettled?(listener: () => void): void
}

export interface BacklogLimits {
  /** FLOWLINE_MAX_BACKLOG: unfinished runs. */
  runs: number
  /** FLOWLINE_MAX_BACKLOG_BYTES: event bytes those runs hold (default 64 MiB). */
  bytes: number
  /** FLOWLINE_BACKLOG_WAIT_MS: how long a delivery meeting a full backlog waits for room (intake-gate.ts). */
  waitMs: number
}

export function backlogLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): BacklogLimits {
  return {
    runs: envInt(env, 'FLOWLINE_MAX_BACKLOG', 1) ?? 10_000,
    bytes: envInt(env, 'FLOWLINE_MAX_BACKLOG_BYTES', 1) ?? 64 * 1024 * 1024,
    waitMs: envInt(env, 'FLOWLINE_BACKLOG_WAIT_MS', 0) ?? 2_000,
  }
}

/**
 * Whether accepting `runs` more runs with `bytes` more event bytes would go past the limits;
 * beyond them intake answers 503 with Retry-After (senders retry later) instead of letting
 * memory grow with the backlog. An empty backlog always takes one more, however large.
 */
export function backlogFull(queue: RunQueue, limits: BacklogLimits, runs = 1, bytes = 0): boolean {
  if (queue.size === 0) return runs > limits.runs
  return queue.size + runs > limits.runs || queue.bytes + bytes > limits.bytes
}

/** Runs jobs in this process with bounded concurrency; the backlog waits in memory. */
export class InProcessRunQueue implements RunQueue {
  private readonly backlog: RunJob[] = []
  private active = 0
  private held = 0
  private idle: (() => void)[] = []
  private settled: (() => void) | null = null

  constructor(
    private readonly worker: (job: RunJob) => Promise<void>,
    private readonly concurrency: number,
  ) {}

  async enqueue(job: RunJob): Promise<void> {
    this.held += job.bytes ?? 0
    this.backlog.push(job)
    this.pump()
  }

  remove(runId: string): boolean {
    const i = this.backlog.findIndex((j) => j.runId === runId)
    if (i < 0) return false
    this.held -= this.backlog[i].bytes ?? 0
    this.backlog.splice(i, 1)
    this.settled?.()
    if (this.size === 0) for (const done of this.idle.splice(0)) done()
    return true
  }

  get size(): number {
    return this.active + this.backlog.length
  }

  get bytes(): number {
    return this.held
  }

  onSettled(listener: () => void): void {
    this.settled = listener
  }

  drain(timeoutMs: number): Promise<boolean> {
    if (this.size === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.idle.push(() => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  }

  private pump(): void {
    while (this.active < this.concurrency && this.backlog.length > 0) {
      const job = this.backlog.shift()!
      this.active++
      this.worker(job)
        .catch(() => {
          // The worker records its own failures on the run; nothing to add here.
        })
        .finally(() => {
          this.held -= job.bytes ?? 0
          this.active--
          this.pump()
          this.settled?.()
          if (this.size === 0) for (const done of this.idle.splice(0)) done()
        })
    }
  }
}
