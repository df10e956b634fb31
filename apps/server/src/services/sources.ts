import { randomBytes, randomUUID } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import { isUniqueViolation, now } from '../db'
import type { AuditService } from './audit'
import type { Actor } from './workflows'

/**
 * Segment-compatible sources (DESIGN §6): an app sends its events to `/v1/*` with a source's
 * write key; every published workflow subscribed to the source runs for each message.
 */

export const RECENT_MESSAGES = 50

const newWriteKey = () => `wk_${randomBytes(18).toString('base64url')}`
const newSourceId = () => `src_${randomBytes(9).toString('base64url')}`

export interface SourceMessage {
  messageId: string
  type: string
  summary: string
  runs: { workflowId: string; runId: string }[]
}

export function createSourceService(db: Db, audit: AuditService) {
  // Slot counters of the ring of recent messages, per source (restart: starts again at 0, harmless).
  const counters = new Map<string, number>()

  async function requireSource(sourceId: string) {
    const row = await db.selectFrom('sources').selectAll().where('id', '=', sourceId).executeTakeFirst()
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `No source ${sourceId}` })
    return row
  }

  return {
    async create(actor: Actor, name: string) {
      const row = {
        id: newSourceId(),
        name,
        write_key: newWriteKey(),
        created_at: now(),
        created_by: actor.email,
      }
      await db.insertInto('sources').values(row).execute()
      await audit.record({ actor: actor.email, action: 'source.create', details: { sourceId: row.id, name } })
      return { id: row.id, writeKey: row.write_key }
    },

    async list() {
      const sources = await db.selectFrom('sources').selectAll().orderBy('created_at').execute()
      const subs = await db
        .selectFrom('source_subscriptions')
        .innerJoin('workflows', 'workflows.id', 'source_subscriptions.workflow_id')
        .select([
          'source_subscriptions.source_id',
          'workflows.id',
          'workflows.title',
          'workflows.published_version',
          'workflows.archived',
        ])
        .orderBy('workflows.title')
        .execute()
      return sources.map((s) => ({
        id: s.id,
        name: s.name,
        writeKey: s.write_key,
        createdAt: s.created_at,
        createdBy: s.created_by,
        workflows: subs
          .filter((w) => w.source_id === s.id)
          .map((w) => ({
            id: w.id,
            title: w.title,
            // Only published, unarchived workflows run for a source's messages.
            live: w.published_version !== null && w.archived === 0,
          })),
      }))
    },

    async subscribe(actor: Actor, sourceId: string, workflowId: string) {
      await requireSource(sourceId)
      const wf = await db.selectFrom('workflows').select('id').where('id', '=', workflowId).executeTakeFirst()
      if (!wf) throw new TRPCError({ code: 'NOT_FOUND', message: `No workflow ${workflowId}` })
      try {
        await db
          .insertInto('source_subscriptions')
          .values({
            source_id: sourceId,
            workflow_id: workflowId,
            created_at: now(),
            created_by: actor.email,
          })
          .execute()
      } catch (err) {
        if (!isUniqueViolation(err)) throw err
        return { subscribed: true }
      }
      await audit.record({
        actor: actor.email,
        action: 'source.subscribe',
        workflowId,
        details: { sourceId },
      })
      return { subscribed: true }
    },

    async unsubscribe(actor: Actor, sourceId: string, workflowId: string) {
      const res = await db
        .deleteFrom('source_subscriptions')
        .where('source_id', '=', sourceId)
        .where('workflow_id', '=', workflowId)
        .executeTakeFirst()
      if (Number(res.numDeletedRows) > 0)
        await audit.record({
          actor: actor.email,
          action: 'source.unsubscribe',
          workflowId,
          details: { sourceId },
        })
      return { subscribed: false }
    },

    /** A new write key; the old one stops working at once. */
    async rotateKey(actor: Actor, sourceId: string) {
      await requireSource(sourceId)
      const writeKey = newWriteKey()
      await db.updateTable('sources').set({ write_key: writeKey }).where('id', '=', sourceId).execute()
      await audit.record({ actor: actor.email, action: 'source.rotate-key', details: { sourceId } })
      return { writeKey }
    },

    /** The source a write key names, with the workflows that run for its messages. */
    async byWriteKey(writeKey: string) {
      const source = await db
        .selectFrom('sources')
        .select('id')
        .where('write_key', '=', writeKey)
        .executeTakeFirst()
      if (!source) return null
      const workflows = await db
        .selectFrom('source_subscriptions')
        .innerJoin('workflows', 'workflows.id', 'source_subscriptions.workflow_id')
        .select(['workflows.id', 'workflows.published_version'])
        .where('source_subscriptions.source_id', '=', source.id)
        .where('workflows.published_version', 'is not', null)
        .where('workflows.archived', '=', 0)
        .execute()
      return {
        id: source.id,
        workflows: workflows.map((w) => ({ id: w.id, version: w.published_version as number })),
      }
    },

    /** Remembers the last messages of a batch (only the last 50 can still be shown). */
    async remember(sourceId: string, messages: SourceMessage[]): Promise<void> {
      const recent = messages.slice(-RECENT_MESSAGES)
      if (recent.length === 0) return
      let n = counters.get(sourceId) ?? 0
      const at = now()
      const rows = recent.map((m) => ({
        source_id: sourceId,
        slot: n % RECENT_MESSAGES,
        seq: n++,
        received_at: at,
        message_id: m.messageId,
        type: m.type,
        summary: m.summary,
        runs: JSON.stringify(m.runs),
      }))
      counters.set(sourceId, n)
      // Two messages of one batch never share a slot: the batch holds at most 50 rows.
      await db
        .insertInto('source_messages')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['source_id', 'slot']).doUpdateSet((eb) => ({
            seq: eb.ref('excluded.seq'),
            received_at: eb.ref('excluded.received_at'),
            message_id: eb.ref('excluded.message_id'),
            type: eb.ref('excluded.type'),
            summary: eb.ref('excluded.summary'),
            runs: eb.ref('excluded.runs'),
          })),
        )
        .execute()
    },

    /** The source's last 50 messages, newest first, with the runs they started. */
    async messages(sourceId: string) {
      await requireSource(sourceId)
      const rows = await db
        .selectFrom('source_messages')
        .selectAll()
        .where('source_id', '=', sourceId)
        .orderBy('received_at', 'desc')
        .orderBy('seq', 'desc')
        .execute()
      return rows.map((r) => ({
        messageId: r.message_id,
        type: r.type,
        summary: r.summary,
        receivedAt: r.received_at,
        runs: JSON.parse(r.runs) as SourceMessage['runs'],
      }))
    },

    newMessageId: () => `flowline-${randomUUID()}`,
  }
}

export type SourceService = ReturnType<typeof createSourceService>
