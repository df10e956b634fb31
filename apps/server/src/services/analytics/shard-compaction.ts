import { PostgresAdapter, sql } from 'kysely'
import type { Db } from '../../db'

const EVERY_MS = 60_000
const lastRun = new Map<string, number>()

/**
 * PostgreSQL: folds a workflow's rollup rows of past hours from the writers' shards (one per
 * connection that finished runs, see 0010-analytics-rollup) into shard 0, so reading a week
 * scans a row per hour and path instead of one per connection too. Called after an analytics
 * read, at most once a minute per workflow and process, off the request's path.
 *
 * It never waits, so it cannot deadlock with the group commits: rows a writer holds are
 * skipped (SKIP LOCKED, folded next time), and shard 0 is written only here, one process per
 * workflow at a time (an advisory lock; if taken, another process is on it). Writers never
 * touch shard 0, and the current hour stays with them.
 */
export async function compactShards(db: Db, workflowId: string, beforeHour: string): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  const now = Date.now()
  if (now - (lastRun.get(workflowId) ?? 0) < EVERY_MS) return
  lastRun.set(workflowId, now)
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`
      SELECT pg_try_advisory_xact_lock(hashtext(${`analytics:${workflowId}`})) AS locked`.execute(trx)
    if (!rows[0]?.locked) return
    await sql`
      WITH moved AS (
        DELETE FROM analytics_rollup WHERE ctid IN (
          SELECT ctid FROM analytics_rollup
          WHERE workflow_id = ${workflowId} AND bucket < ${beforeHour} AND shard <> 0
          FOR UPDATE SKIP LOCKED)
        RETURNING workflow_id, bucket, version, metric, item, count)
      INSERT INTO analytics_rollup (workflow_id, bucket, version, metric, item, shard, count)
      SELECT workflow_id, bucket, version, metric, item, 0, sum(count) FROM moved
      GROUP BY workflow_id, bucket, version, metric, item
      ON CONFLICT (workflow_id, bucket, version, metric, item, shard)
      DO UPDATE SET count = analytics_rollup.count + excluded.count`.execute(trx)
  })
}
