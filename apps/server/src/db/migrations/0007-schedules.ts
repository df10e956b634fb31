import type { Kysely, Migration } from 'kysely'

/**
 * Schedule triggers of published workflows (DESIGN §4 `schedule`): one row per schedule node
 * of the live version, with the next time it fires. The scheduler loop finds due rows through
 * `schedules_next_at` and claims each occurrence by moving `next_at` on with a conditional
 * update, so several processes on one database run it once. `runs.trigger_node` names the
 * trigger a run starts at (the schedule that fired; null: the workflow's event start).
 * Plain text and integer columns: the same migration for SQLite and PostgreSQL.
 */
export const schedulesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('schedules')
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('cron', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('next_at', 'text')
      .addColumn('last_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('schedules_pk', ['workflow_id', 'node_id'])
      .execute()
    await db.schema.createIndex('schedules_next_at').on('schedules').column('next_at').execute()
    await db.schema.alterTable('runs').addColumn('trigger_node', 'text').execute()
  },
}
