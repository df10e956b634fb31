import { type Kysely, type Migration, sql } from 'kysely'

/**
 * `runs_waiting` held every run by (status, resume_at), so each status change of every run
 * (queued → running → succeeded) moved its entry: index pages written again on every
 * change, about a tenth of the pages SQLite writes per run at a steady moderate load
 * (`npm run bench -- "run writes"`). Only waiting runs are looked up through it (the wait
 * scheduler's due runs), so it now holds those alone. Same columns as before, so planners
 * still prefer it to `runs_status` for that query; a query reaches a partial index only
 * when it names the status as a literal (wait-scheduler.ts `dueRuns`).
 */
export const waitingRunsIndexMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('runs_waiting').execute()
    await sql`CREATE INDEX runs_waiting ON runs (status, resume_at) WHERE status = 'waiting'`.execute(db)
  },
}
