import type { Logger } from 'pino'
import type { Db } from '../../db'
import type { QueueMode } from '../queue-mode'
import type { RunService } from '../runs'
import { BullMqSchedules, type ScheduleJobData } from './bullmq'
import { ScheduleLoop } from './loop'
import { type LiveVersion, nextOccurrence, syncSchedules } from './store'

export type { LiveVersion } from './store'

/**
 * Called in the transaction that publishes, unpublishes or archives a workflow, with the
 * version live afterwards (null: none); returns what to do once it committed.
 */
export type SchedulePublishHook = (
  trx: Db,
  workflowId: string,
  live: LiveVersion,
) => Promise<() => Promise<void>>

export interface ScheduleServiceOptions {
  db: Db
  clock: () => number
  /** The run service (created after this one): scheduled runs are accepted through it. */
  runs: () => RunService
  /** Queue mode: schedules are BullMQ job schedulers instead of the database loop. */
  queueMode?: Pick<QueueMode, 'queue' | 'role'>
  logger?: Logger
  pollMs?: number
}

/**
 * Schedule triggers of published workflows (DESIGN §4 `schedule`). Embedded: one database loop
 * (loop.ts). Queue mode: BullMQ job schedulers (bullmq.ts), whose jobs workers turn into runs.
 * Either way an occurrence's run carries the key `schedule:<workflowId>:<nodeId>:<time>`, so
 * it is started once.
 */
export function createScheduleService(opts: ScheduleServiceOptions) {
  const { db, clock, logger } = opts
  const bull = opts.queueMode ? new BullMqSchedules(opts.queueMode.queue.queue, logger) : null
  const loop = bull ? null : new ScheduleLoop({ db, clock, runs: opts.runs, logger, pollMs: opts.pollMs })

  const published: SchedulePublishHook = async (trx, workflowId, live) => {
    const changes = await syncSchedules(trx, workflowId, live, clock())
    return async () => {
      if (bull) {
        // The database has it; an API start mirrors whatever this could not.
        await bull
          .apply(changes)
          .catch((err) => logger?.error({ err, workflowId }, 'schedules not mirrored to the queue'))
      } else if (changes.upserted.length > 0) loop?.nudge()
    }
  }

  return {
    published,

    /** Embedded: start the loop. Queue-mode API: mirror the database's schedules into BullMQ. */
    async start(): Promise<void> {
      if (loop) loop.start()
      else if (bull && opts.queueMode?.role === 'api')
        await bull.reconcile(db).catch((err) => logger?.error({ err }, 'schedules not mirrored to the queue'))
    },

    stop: (): Promise<void> => loop?.stop() ?? Promise.resolve(),

    /** Embedded: one pass of the loop now (tests drive it with their clock). */
    runDue: (): Promise<number> => loop?.runDue() ?? Promise.resolve(0),

    /**
     * Queue mode, on a worker: the job BullMQ scheduled for `scheduledMs` becomes a run, once
     * (a retried job finds the run its first attempt stored). Null when the schedule is gone.
     */
    async fire(data: ScheduleJobData, scheduledMs: number) {
      const row = await db
        .selectFrom('schedules')
        .selectAll()
        .where('workflow_id', '=', data.workflowId)
        .where('node_id', '=', data.nodeId)
        .executeTakeFirst()
      if (!row) return null
      const at = new Date(scheduledMs).toISOString()
      const nowMs = clock()
      return opts
        .runs()
        .acceptSchedule(
          { workflowId: row.workflow_id, version: row.version, nodeId: row.node_id, at },
          async (trx) => {
            await trx
              .updateTable('schedules')
              .set({
                last_at: at,
                next_at: nextOccurrence(row, Math.max(nowMs, scheduledMs)),
                updated_at: new Date(nowMs).toISOString(),
              })
              .where('workflow_id', '=', row.workflow_id)
              .where('node_id', '=', row.node_id)
              .execute()
            return true
          },
        )
    },

    /** The schedules of a workflow's live version, with their next times. */
    async list(workflowId: string) {
      const rows = await db
        .selectFrom('schedules')
        .selectAll()
        .where('workflow_id', '=', workflowId)
        .orderBy('node_id')
        .execute()
      return rows.map((r) => ({
        nodeId: r.node_id,
        version: r.version,
        cron: r.cron,
        timezone: r.timezone,
        nextAt: r.next_at,
        lastAt: r.last_at,
      }))
    },
  }
}

export type ScheduleService = ReturnType<typeof createScheduleService>
