import type { Db } from '../db'
import { now } from '../db'

export interface AuditEntry {
  actor: string
  action: string
  workflowId?: string | null
  /** A short, secret-free summary (titles, version numbers, roles — never passwords or secrets). */
  details?: Record<string, unknown>
}

export interface AuditFilter {
  workflowId?: string
  actor?: string
  action?: string
  limit?: number
}

/** Append-only: this module only inserts and reads; nothing updates or deletes audit rows. */
export function createAuditService(db: Db) {
  return {
    async record(entry: AuditEntry, trx: Db = db): Promise<void> {
      await trx
        .insertInto('audit_log')
        .values({
          at: now(),
          actor: entry.actor,
          action: entry.action,
          workflow_id: entry.workflowId ?? null,
          details: JSON.stringify(entry.details ?? {}),
        })
        .execute()
    },

    async list(filter: AuditFilter) {
      let q = db.selectFrom('audit_log').selectAll()
      if (filter.workflowId) q = q.where('workflow_id', '=', filter.workflowId)
      if (filter.actor) q = q.where('actor', '=', filter.actor)
      if (filter.action) q = q.where('action', '=', filter.action)
      const rows = await q
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 200)
        .execute()
      return rows.map((r) => ({
        id: Number(r.id),
        at: r.at,
        actor: r.actor,
        action: r.action,
        workflowId: r.workflow_id,
        details: JSON.parse(r.details) as Record<string, unknown>,
      }))
    },
  }
}

export type AuditService = ReturnType<typeof createAuditService>
