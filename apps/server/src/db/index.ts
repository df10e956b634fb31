import { Kysely, Migrator, sql } from 'kysely'
import { createDialect, type DatabaseTarget, type DialectKind, type RawDatabase } from './dialect'
import { initialMigration } from './migrations/0001-initial'
import { connectionsMigration } from './migrations/0002-connections'
import { durableRunsMigration } from './migrations/0003-durable-runs'
import { compactTraceMigration } from './migrations/0004-compact-trace'
import { dataStoreMigration } from './migrations/0005-data-store'
import { runWaitsMigration } from './migrations/0006-run-waits'
import { schedulesMigration } from './migrations/0007-schedules'
import { peopleMigration } from './migrations/0008-people'
import { sourcesMigration } from './migrations/0009-sources'
import { analyticsRollupMigration } from './migrations/0010-analytics-rollup'
import { runsByStatusMigration } from './migrations/0011-runs-by-status'
import { waitingRunsIndexMigration } from './migrations/0012-waiting-runs-index'
import type { Database } from './schema'

export type Db = Kysely<Database>
export type { RawDatabase } from './dialect'
export type { Database } from './schema'

export interface OpenDatabase {
  db: Db
  kind: DialectKind
  raw: RawDatabase
}

/** Opens the configured database and applies pending migrations before anything else touches it. */
export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  const { dialect, kind, raw } = createDialect(target)
  const db = new Kysely<Database>({ dialect })
  // Kysely looks for its migration tables in every schema unless told which one: another
  // Flowline (or test) schema in the same database would make it skip creating its own.
  const migrationTableSchema =
    kind === 'postgres'
      ? (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]?.schema
      : undefined
  const migrator = new Migrator({
    db,
    migrationTableSchema,
    provider: {
      getMigrations: async () => ({
        '0001-initial': initialMigration(kind),
        '0002-connections': connectionsMigration,
        '0003-durable-runs': durableRunsMigration,
        '0004-compact-trace': compactTraceMigration,
        '0005-data-store': dataStoreMigration,
        '0006-run-waits': runWaitsMigration,
        '0009-sources': sourcesMigration,
        '0007-schedules': schedulesMigration,
        '0008-people': peopleMigration,
        '0010-analytics-rollup': analyticsRollupMigration(kind),
        '0011-runs-by-status': runsByStatusMigration,
        '0012-waiting-runs-index': waitingRunsIndexMigration,
      }),
    },
  })
  const { error } = await migrator.migrateToLatest()
  if (error) {
    await db.destroy()
    throw error
  }
  return { db, kind, raw }
}

/** True for a unique/primary-key violation, in either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string }
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE'
  )
}

export const now = (): string => new Date().toISOString()
