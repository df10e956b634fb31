import type { Logger } from 'pino'
import type { Db } from '../../db'
import type { RunService } from '../runs'
import { nextOccurrence } from './store'

const POLL_MS = 1_000
const BATCH = 500

export interface ScheduleLoopOptions {
  db: Db
  /** The server clock (epoch ms): skewed in tests. */
  clock: () => number
  runs: () => RunService
  logger?: Logger
  pollMs?: number
}

/**
 * One loop for every schedule (DESIGN §4: schedules live in the database, not in timers):
 * each pass reads the due rows through `schedules_next_at` and claims every occurrence by
 * moving `next_at` on with a conditional update, in the transaction that stores its run, so
 * with several processes on one database each occurrence runs exactly once. The next time
 * is the first one after now: a stretch missed while the server was down runs once, at start.
 */
export class ScheduleLoop {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> | null = null
  private stopped = true

  constructor(private readonly opts: ScheduleLoopOptions) {}

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.arm(0)
  }

  /** A schedule was published: look soon rather than at the next poll. */
  nudge(): void {
    if (!this.stopped && !this.running) this.arm(0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }

  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.running = this.runDue()
        .catch((err) =>
          this.opts.logger?.error({ err }, 'starting scheduled runs failed; trying again shortly'),
        )
        .finally(() => {
          this.running = null
          if (!this.stopped) this.arm(this.opts.pollMs ?? POLL_MS)
        })
    }, delayMs)
    this.timer.unref()
  }

  /** One pass: starts a run for every due occurrence this process claims. Returns how many it started. */
  async runDue(): Promise<number> {
    const { db, clock, logger } = this.opts
    const nowMs = clock()
    const due = await db
      .selectFrom('schedules')
      .selectAll()
      .where('next_at', '<=', new Date(nowMs).toISOString())
      .orderBy('next_at')
      .limit(BATCH)
      .execute()
    let started = 0
    for (const s of due) {
      const at = s.next_at!
      const next = nextOccurrence(s, Math.max(nowMs, Date.parse(at)))
      try {
        const accepted = await this.opts
          .runs()
          .acceptSchedule(
            { workflowId: s.workflow_id, version: s.version, nodeId: s.node_id, at },
            async (trx) => {
              const claimed = await trx
                .updateTable('schedules')
                .set({ next_at: next, last_at: at, updated_at: new Date(nowMs).toISOString() })
                .where('workflow_id', '=', s.workflow_id)
                .where('node_id', '=', s.node_id)
                .where('next_at', '=', at)
                // Republished meanwhile: the next pass reads the new version.
                .where('version', '=', s.version)
                .executeTakeFirst()
              return Number(claimed.numUpdatedRows) === 1
            },
          )
        if (accepted && !accepted.duplicate) started++
      } catch (err) {
        logger?.error(
          { err, workflowId: s.workflow_id, nodeId: s.node_id, at },
          'a scheduled run could not start',
        )
      }
    }
    return started
  }
}
