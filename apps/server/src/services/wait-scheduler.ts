import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Db } from '../db'

const POLL_MS = 1_000
const BATCH = 500

/**
 * The next waiting runs whose time has come, earliest first. The status is a literal, not a
 * parameter: only then may SQLite and PostgreSQL read the partial `runs_waiting` index
 * (migration 0012), which holds waiting runs alone.
 */
export const dueRuns = (db: Db, now: number) =>
  db
    .selectFrom('runs')
    .select('id')
    .where('status', '=', sql.lit('waiting'))
    .where('resume_at', '<=', new Date(now).toISOString())
    .orderBy('resume_at')
    .limit(BATCH)

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

  /**
   * Resumes a run whose wait is over, unless another process got there first (its timer, a
   * queue mode delayed job, an event): false when it was not due or no longer waiting.
   */
  async wake(runId: string): Promise<boolean> {
    const { db, clock, resume } = this.opts
    // A run waiting for an event or a decision leaves the inbox and the key index with it.
    const claimed = await db.transaction().execute(async (trx) => {
      const won = await trx
        .updateTable('runs')
        .set({ status: 'queued' })
        .where('id', '=', runId)
        .where('status', '=', 'waiting')
        .where('resume_at', '<=', new Date(clock()).toISOString())
        .executeTakeFirst()
      if (Number(won.numUpdatedRows) !== 1) return false
      await trx.deleteFrom('run_waits').where('run_id', '=', runId).execute()
      return true
    })
    if (claimed) await resume(runId)
    return claimed
  }

  /**
   * A queue mode delayed job came due: wake the run. A job a little early (another
   * machine's clock) throws, so BullMQ tries again after its backoff.
   */
  async wakeWhenDue(runId: string): Promise<void> {
    if (await this.wake(runId)) return
    const row = await this.opts.db
      .selectFrom('runs')
      .select(['status', 'resume_at'])
      .where('id', '=', runId)
      .executeTakeFirst()
    if (row?.status === 'waiting' && row.resume_at && Date.parse(row.resume_at) > this.opts.clock())
      throw new Error(`run ${runId} waits until ${row.resume_at}`)
  }

  private async tick(): Promise<void> {
    const { db, clock, logger } = this.opts
    try {
      const due = await dueRuns(db, clock()).execute()
      for (const { id } of due) {
        if (this.stopped) return
        await this.wake(id)
      }
    } catch (err) {
      logger?.error({ err }, 'resuming waiting runs failed; trying again shortly')
    }
  }
}
