import type { Workflow } from './engine'

/** Everything a worker needs to execute a run; small and serializable for a real queue. */
export interface RunJob {
  runId: string
  workflowId: string
  /** null for a draft test run, whose model travels in the job. */
  version: number | null
  model?: Workflow
  event: unknown
  mocks?: Record<string, unknown>
  dryRun: boolean
  /** When the run was accepted: its latency is measured from here, queueing included. */
  acceptedAt: string
  /** Continue a run suspended at a wait (its state is in the database). */
  resume?: boolean
}

export interface RunQueue {
  enqueue(job: RunJob): Promise<void>
  /** Jobs accepted but not finished: the webhook sheds load above a limit instead of queueing forever. */
  readonly size: number
  /** Resolves true when every accepted job finished within the timeout. */
  drain(timeoutMs: number): Promise<boolean>
}

/** Runs jobs in this process with bounded concurrency; the backlog waits in memory. */
export class InProcessRunQueue implements RunQueue {
  private readonly backlog: RunJob[] = []
  private active = 0
  private idle: (() => void)[] = []

  constructor(
    private readonly worker: (job: RunJob) => Promise<void>,
    private readonly concurrency = 32,
  ) {}

  async enqueue(job: RunJob): Promise<void> {
    this.backlog.push(job)
    this.pump()
  }

  get size(): number {
    return this.active + this.backlog.length
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
          this.active--
          this.pump()
          if (this.size === 0) for (const done of this.idle.splice(0)) done()
        })
    }
  }
}
