import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Trace events are stored a batch per row: the events of one run that one commit wrote, as
 * a JSON array, with the sequence numbers they span. One row per event made storing a run's
 * trace the largest part of its cost (about 50 index entries per run); now it is a few.
 */
export const compactTraceMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('run_trace')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('first_seq', 'integer', (c) => c.notNull())
      .addColumn('last_seq', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_trace_pk', ['run_id', 'first_seq'])
      .execute()
    await sql`INSERT INTO run_trace (run_id, first_seq, last_seq, data)
      SELECT run_id, seq, seq, '[' || data || ']' FROM run_events`.execute(db)
    await db.schema.dropTable('run_events').execute()
  },
}
