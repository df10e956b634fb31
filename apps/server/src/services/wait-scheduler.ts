import type { Logger } from 'pino'
import type { Db } from '../db'

const POLL_MS = 1_000
const BATCH = 500

export interface WaitSchedulerOptions {
  db: Db
  /** The server clock (epoch ms), skewed in tests of long waits. */
  clock: () => number
  /** Queue the next segment of a run whose wait is over (it is already claimed: status queued). */
  resume: (runId: string) => Promise<void>
  logger?: Logger
  pollMs?: number
}

/**
 * One loop for every waiting run (DESIGN §4 Durability): waits live in the database as
 * `status = 'waiting'` with `resume_at`, never as timers per run, so a three-day wait
 * survives restarts. Each due run is claimed with a conditional update before it is queued,
 * so it resumes exactly once.
 */
export class WaitScheduler {
  private timer: NodeJS.Timeout | null = null
  private nextAt = Number.POSITIVE_INFINITY
  private running: Promise<void> | null = null
  private stopped = true

  constructor(private readonly opts: WaitSchedulerOptions) {}

  start(): void {
    this.stopped = false
    this.arm(0)
  }

  /** A run just started waiting: make sure the loop looks again by then. */
  nudge(resumeAt: string): void {
    const at = Date.parse(resumeAt)
    if (!Number.isNaN(at)) this.arm(at - this.opts.clock())
  }

  stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    return this.running ?? Promise.resolve()
  }

  private arm(delayMs: number): void {
    if (this.stopped) return
    const at = Date.now() + Math.max(0, Math.min(delayMs, this.opts.pollMs ?? POLL_MS))
    if (this.timer && at >= this.nextAt) return
    if (this.timer) clearTimeout(this.timer)
    this.nextAt = at
    this.timer = setTimeout(() => {
      this.timer = null
      this.nextAt = Number.POSITIVE_INFINITY
      this.running = this.tick().finally(() => {
        this.running = null
        this.arm(this.opts.pollMs ?? POLL_MS)
      })
    }, at - Date.now())
    this.timer.unref()
  }

  private async tick(): Promise<void> {
    const { db, clock, resume, logger } = this.opts
    try {
      const due = await db
        .selectFrom('runs')
        .select('id')
        .where('status', '=', 'waiting')
        .where('resume_at', '<=', new Date(clock()).toISOString())
        .orderBy('resume_at')
        .limit(BATCH)
        .execute()
      for (const { id } of due) {
        if (this.stopped) return
        // A run waiting for an event or a decision leaves the inbox and the key index with it.
        const claimed = await db.transaction().execute(async (trx) => {
          const won = await trx
            .updateTable('runs')
            .set({ status: 'queued' })
            .where('id', '=', id)
            .where('status', '=', 'waiting')
            .executeTakeFirst()
          if (Number(won.numUpdatedRows) !== 1) return false
          await trx.deleteFrom('run_waits').where('run_id', '=', id).execute()
          return true
        })
        if (claimed) await resume(id)
      }
    } catch (err) {
      logger?.error({ err }, 'resuming waiting runs failed; trying again shortly')
    }
  }
}
