import type { Job, Queue, RepeatStrategy } from 'bullmq'
import type { Logger } from 'pino'
import type { Db } from '../../db'
import type { SchedulesTable } from '../../db/schema'
import { nextTime } from '../engine'
import type { ScheduleChanges } from './store'

/**
 * Queue mode (DESIGN §6: "schedules are repeatable jobs"): the `schedules` table stays the
 * record, and each row is mirrored as a BullMQ job scheduler on the runs queue. BullMQ keeps
 * one delayed job per scheduler and adds the next when a worker takes it, so a time missed
 * while every worker was down runs once when one is back, and the next is after that.
 */
export const SCHEDULE_JOB = 'schedule'

export interface ScheduleJobData {
  workflowId: string
  nodeId: string
}

export const schedulerId = (workflowId: string, nodeId: string) => `schedule:${workflowId}:${nodeId}`

/** croner computes BullMQ's next times too, so both modes agree on DST gaps, repeated hours and syntax. */
export const cronRepeatStrategy: RepeatStrategy = (millis, opts) => {
  if (!opts.pattern) return undefined
  try {
    return nextTime(opts.pattern, opts.tz ?? 'UTC', millis) ?? undefined
  } catch {
    return undefined
  }
}

/** The occurrence a schedule job stands for: the time BullMQ scheduled it for, not when it ran. */
export function scheduledMillis(job: Job): number {
  const fromId = Number(
    String(job.id ?? '')
      .split(':')
      .pop(),
  )
  return job.opts.prevMillis ?? (Number.isFinite(fromId) ? fromId : job.timestamp)
}

const TEMPLATE_OPTS = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
}

export class BullMqSchedules {
  constructor(
    private readonly queue: Queue,
    private readonly logger?: Logger,
  ) {}

  /** After a publish, unpublish or archive committed: the same change in BullMQ. */
  async apply(changes: ScheduleChanges): Promise<void> {
    for (const nodeId of changes.removed)
      await this.queue.removeJobScheduler(schedulerId(changes.workflowId, nodeId))
    for (const row of changes.upserted) await this.upsert(row)
  }

  /**
   * At an API start: BullMQ holds exactly the database's schedules again (after a Redis that
   * lost its data, or a crash between a commit and its mirror).
   */
  async reconcile(db: Db): Promise<void> {
    const rows = await db.selectFrom('schedules').selectAll().execute()
    const wanted = new Set(rows.map((r) => schedulerId(r.workflow_id, r.node_id)))
    for (const s of await this.queue.getJobSchedulers()) {
      if (s.key.startsWith('schedule:') && !wanted.has(s.key)) await this.queue.removeJobScheduler(s.key)
    }
    for (const row of rows) await this.upsert(row)
    if (rows.length > 0) this.logger?.info({ schedules: rows.length }, 'schedules mirrored to the queue')
  }

  private async upsert(row: SchedulesTable): Promise<void> {
    const id = schedulerId(row.workflow_id, row.node_id)
    const current = await this.queue.getJobScheduler(id)
    // Unchanged: upserting again would replace a due job (a time missed meanwhile) with the next one.
    if (current && current.pattern === row.cron && (current.tz ?? 'UTC') === row.timezone) return
    const data: ScheduleJobData = { workflowId: row.workflow_id, nodeId: row.node_id }
    await this.queue.upsertJobScheduler(
      id,
      { pattern: row.cron, tz: row.timezone },
      { name: SCHEDULE_JOB, data, opts: TEMPLATE_OPTS },
    )
  }
}
