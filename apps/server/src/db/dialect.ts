import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { type Dialect, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'

export type DialectKind = 'sqlite' | 'postgres'

export interface DatabaseTarget {
  /** postgres://… switches to PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl?: string
  dataDir: string
  /** PostgreSQL schema to use (tests isolate each file in a fresh schema). */
  pgSchema?: string
}

/** The driver under Kysely, for the few hot paths that skip query building (services/run-writer.ts). */
export type RawDatabase = { kind: 'sqlite'; sqlite: SQLite.Database } | { kind: 'postgres'; pool: pg.Pool }

export function createDialect(target: DatabaseTarget): {
  dialect: Dialect
  kind: DialectKind
  raw: RawDatabase
} {
  if (target.databaseUrl && /^postgres(ql)?:/.test(target.databaseUrl)) {
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: 10,
      options: target.pgSchema ? `-c search_path=${target.pgSchema}` : undefined,
    })
    return { dialect: new PostgresDialect({ pool }), kind: 'postgres', raw: { kind: 'postgres', pool } }
  }
  mkdirSync(target.dataDir, { recursive: true })
  const database = new SQLite(join(target.dataDir, 'flowline.db'))
  // WAL lets readers proceed during writes; busy_timeout absorbs a second process (e.g. a CLI).
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('busy_timeout = 5000')
  database.pragma('foreign_keys = ON')
  return {
    dialect: new SqliteDialect({ database }),
    kind: 'sqlite',
    raw: { kind: 'sqlite', sqlite: database },
  }
}
