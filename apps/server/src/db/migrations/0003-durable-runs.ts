import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Durable runs: waiting runs get their own status (found by the wait scheduler through
 * `runs_waiting`), retries link to the run they repeat, and the old `interrupted` end state
 * (runs lost in a crash) becomes `failed`; from now on such runs resume instead.
 */
export const durableRunsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('runs').addColumn('retry_of', 'text').execute()
    await sql`UPDATE runs SET status = 'failed' WHERE status = 'interrupted'`.execute(db)
    await sql`UPDATE runs SET status = 'waiting' WHERE status = 'running' AND state IS NOT NULL`.execute(db)
    await db.schema.createIndex('runs_waiting').on('runs').columns(['status', 'resume_at']).execute()
  },
}
