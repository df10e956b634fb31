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
  /** ISO timestamps, inclusive. */
  from?: string
  to?: string
  /** Entries older than this id (the last id of the previous page): pages through long logs. */
  before?: number
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
      if (filter.from) q = q.where('at', '>=', filter.from)
      if (filter.to) q = q.where('at', '<=', filter.to)
      if (filter.before !== undefined) q = q.where('id', '<', filter.before)
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

    /**
     * The actors and actions that occur in the log, for filter menus. Viewers may not list
     * users (an admin query); the log already shows these names to them.
     */
    async facets() {
      const [actors, actions] = await Promise.all([
        db.selectFrom('audit_log').select('actor').distinct().orderBy('actor').execute(),
        db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute(),
      ])
      return { actors: actors.map((r) => r.actor), actions: actions.map((r) => r.action) }
    },
  }
}

export type AuditService = ReturnType<typeof createAuditService>
