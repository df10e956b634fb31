import type { Kysely, Migration } from 'kysely'

/**
 * Segment-compatible sources (DESIGN §6 HTTP Tracking API): each has a write key, and
 * published workflows subscribe to it. `source_messages` keeps each source's last 50
 * messages as a ring (slot = message number mod 50), so showing them never needs pruning.
 */
export const sourcesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      // Write keys are public by design (analytics.js puts them in every page): they name a source, they do not guard data.
      .addColumn('write_key', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('source_subscriptions')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('source_subscriptions_pk', ['source_id', 'workflow_id'])
      .execute()
    await db.schema
      .createTable('source_messages')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('slot', 'integer', (c) => c.notNull())
      // Orders the messages of one batch (they share received_at).
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      // JSON [{workflowId, runId}]: the runs the message started.
      .addColumn('runs', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('source_messages_pk', ['source_id', 'slot'])
      .execute()
  },
}
