import type { Kysely, Migration } from 'kysely'

/**
 * Runs waiting for something from outside (DESIGN §4 `wait-for-event`, `approval`): one row
 * per waiting run, found by correlation key when an event arrives (`run_waits_key`, fast
 * with 100,000 waiting runs) or by kind for the inbox. `runs.wake` carries what ended the
 * wait (the event, the decision) to the run's next segment, written in the same transaction
 * that claims the run.
 */
export const runWaitsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('run_waits')
      .addColumn('run_id', 'text', (c) => c.primaryKey())
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer')
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('wait_key', 'text')
      .addColumn('test', 'integer', (c) => c.notNull())
      .addColumn('task', 'text')
      .addColumn('until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex('run_waits_key')
      .on('run_waits')
      .columns(['workflow_id', 'kind', 'version', 'node_id', 'wait_key'])
      .execute()
    await db.schema.createIndex('run_waits_inbox').on('run_waits').columns(['kind', 'created_at']).execute()
    await db.schema.alterTable('runs').addColumn('wake', 'text').execute()
  },
}
