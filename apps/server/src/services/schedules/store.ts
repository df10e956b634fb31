import type { Db } from '../../db'
import type { SchedulesTable } from '../../db/schema'
import { nextTime, type ScheduleTrigger, scheduleTriggers, type Workflow } from '../engine'

/** The version of a workflow that is live now, or null when none is (unpublished, archived). */
export type LiveVersion = { version: number; model: Workflow } | null

/** What a sync changed: queue mode mirrors it into BullMQ job schedulers after the commit. */
export interface ScheduleChanges {
  workflowId: string
  upserted: SchedulesTable[]
  removed: string[]
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** The first occurrence strictly after `afterMs`; null when there is none (or the stored cron no longer parses). */
export function nextOccurrence(
  s: Pick<ScheduleTrigger, 'cron' | 'timezone'>,
  afterMs: number,
): string | null {
  try {
    return iso(nextTime(s.cron, s.timezone, afterMs))
  } catch {
    return null
  }
}

/**
 * Makes the `schedules` rows of a workflow those of its live version, inside the transaction
 * that publishes, unpublishes or archives it. A schedule whose cron and zone did not change
 * keeps its next time (a time missed meanwhile still runs once); a new or changed one starts
 * at its next time after now; schedules of nodes no longer live are removed.
 */
export async function syncSchedules(
  trx: Db,
  workflowId: string,
  live: LiveVersion,
  nowMs: number,
): Promise<ScheduleChanges> {
  const wanted = live ? scheduleTriggers(live.model) : []
  const existing = await trx
    .selectFrom('schedules')
    .selectAll()
    .where('workflow_id', '=', workflowId)
    .execute()
  const byNode = new Map(existing.map((r) => [r.node_id, r]))
  const keep = new Set(wanted.map((w) => w.nodeId))
  const removed = existing.filter((r) => !keep.has(r.node_id)).map((r) => r.node_id)
  if (removed.length > 0)
    await trx
      .deleteFrom('schedules')
      .where('workflow_id', '=', workflowId)
      .where('node_id', 'in', removed)
      .execute()
  const updatedAt = iso(nowMs)!
  const upserted: SchedulesTable[] = []
  for (const w of wanted) {
    const old = byNode.get(w.nodeId)
    const same = old !== undefined && old.cron === w.cron && old.timezone === w.timezone
    const row: SchedulesTable = {
      workflow_id: workflowId,
      node_id: w.nodeId,
      version: live!.version,
      cron: w.cron,
      timezone: w.timezone,
      next_at: same ? old.next_at : nextOccurrence(w, nowMs),
      last_at: old?.last_at ?? null,
      updated_at: updatedAt,
    }
    if (!old) await trx.insertInto('schedules').values(row).execute()
    else
      await trx
        .updateTable('schedules')
        .set({
          version: row.version,
          cron: row.cron,
          timezone: row.timezone,
          next_at: row.next_at,
          updated_at: updatedAt,
        })
        .where('workflow_id', '=', workflowId)
        .where('node_id', '=', w.nodeId)
        .execute()
    upserted.push(row)
  }
  return { workflowId, upserted, removed }
}
