import { type Kysely, type Migration, sql } from 'kysely'
import type { DialectKind } from '../dialect'
import { postgresRollupSql, sqliteRollupSql } from './analytics-rollup-sql'

/**
 * Step and branch analytics (issue 22): `analytics_rollup` counts production runs per
 * workflow, version and hour bucket (of the run's start): finished runs per end status and
 * path (what they reached, finished, failed and which edges they took — each once per run,
 * however often loops or restarts repeated it, so every count reads "how many runs"), and
 * runs waiting now per node. See analytics-rollup-sql.ts for the row shapes.
 *
 * Kept by database triggers on `runs.status`, in the transaction that changes it: whichever
 * process, thread or code path finishes, cancels, suspends or resumes a run (the group
 * commit, a worker in queue mode, a person cancelling a waiting run, the wait scheduler's
 * claim), the rollup moves with it exactly once, and a crash before that commit leaves both
 * undone. `analytics_waiting` remembers the node each run waits at, so leaving the wait
 * takes the same count back down.
 *
 * PostgreSQL rows carry `shard` = the connection's backend pid: concurrent transactions
 * (several workers' group commits) never update the same counter row, so they neither
 * queue behind each other nor deadlock. Readers sum over shards. SQLite has one writer: 0.
 */
export function analyticsRollupMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('analytics_rollup')
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        // 'YYYY-MM-DDTHH' of the run's started_at (UTC): a run's counts all land in one bucket.
        .addColumn('bucket', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        // path | waiting
        .addColumn('metric', 'text', (c) => c.notNull())
        // path: '<status>|<analytics_paths.id>'; waiting: the node id
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('shard', 'integer', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        // Workflow first, then time: the analytics query is one range scan of this key.
        .addPrimaryKeyConstraint('analytics_rollup_pk', [
          'workflow_id',
          'bucket',
          'version',
          'metric',
          'item',
          'shard',
        ])
        .execute()
      // Each distinct path once; rollup rows name it by id (short rows, quick to group).
      await db.schema
        .createTable('analytics_paths')
        // SQLite: the rowid (paths are never deleted, so ids are never reused).
        .addColumn('id', kind === 'postgres' ? 'serial' : 'integer', (c) => c.primaryKey())
        // PostgreSQL indexes a hash: a long path would not fit in a B-tree entry (~2.7 KB).
        .addColumn('signature', 'text', (c) => (kind === 'postgres' ? c.notNull() : c.notNull().unique()))
        .execute()
      if (kind === 'postgres')
        await sql`CREATE UNIQUE INDEX analytics_paths_signature ON analytics_paths (md5(signature))`.execute(
          db,
        )
      await db.schema
        .createTable('analytics_waiting')
        .addColumn('run_id', 'text', (c) => c.primaryKey())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .execute()
      // The path the run pool saw a run take, set with its end status (services/analytics/run-path.ts).
      await db.schema.alterTable('runs').addColumn('analytics_path', 'text').execute()
      const statements = kind === 'postgres' ? postgresRollupSql : sqliteRollupSql
      for (const statement of statements.triggers) await sql.raw(statement).execute(db)
      for (const statement of statements.backfill) await sql.raw(statement).execute(db)
    },
  }
}
