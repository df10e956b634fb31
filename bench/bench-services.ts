import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openDatabase } from '../apps/server/src/db'
import type { RunsTable } from '../apps/server/src/db/schema'
import { createServices } from '../apps/server/src/services'
import { silentLogger } from '../apps/server/src/testing/harness'
import { runRow } from '../apps/server/src/testing/run-rows'

/**
 * The server's services in this process on a throwaway database: SQLite in a temporary
 * folder, or (`usePg`, with TEST_DATABASE_URL) a fresh PostgreSQL schema. `dispose` stops
 * the run pool and removes the database again.
 */
export async function benchServices(name: string, usePg: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), `flowline-bench-${name}-`))
  const schema = `bench_${randomBytes(4).toString('hex')}`
  const onAdmin = async (statement: string) => {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
    await admin.connect()
    await admin.query(statement).finally(() => admin.end())
  }
  if (usePg) await onAdmin(`CREATE SCHEMA ${schema}`)
  const { db, raw } = await openDatabase(
    usePg ? { dataDir, databaseUrl: process.env.TEST_DATABASE_URL, pgSchema: schema } : { dataDir },
  )
  const services = createServices({
    db,
    raw,
    logger: silentLogger,
    serverUrl: () => 'http://127.0.0.1:9',
    secretKey: randomBytes(32),
    runThreads: 1,
  })
  return {
    db,
    raw,
    services,
    async dispose() {
      services.pool.close()
      await services.writer.flushed().catch(() => {})
      await db.destroy()
      rmSync(dataDir, { recursive: true, force: true })
      if (usePg) await onAdmin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    },
  }
}

/** A production run of version 1 as a webhook stores it; `fields` say which and how far it got. */
export function productionRun(
  fields: Pick<RunsTable, 'id' | 'workflow_id' | 'message_id' | 'event' | 'started_at' | 'status'> &
    Partial<RunsTable>,
): RunsTable {
  return runRow(fields.id, fields)
}
