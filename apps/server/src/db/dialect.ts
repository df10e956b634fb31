import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { type Dialect, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { startCheckpointer } from './checkpointer'

export type DialectKind = 'sqlite' | 'postgres'

export interface DatabaseTarget {
  /** postgres://… switches to PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl?: string
  dataDir: string
  /** PostgreSQL schema to use (tests isolate each file in a fresh schema). */
  pgSchema?: string
}

/** The driver under Kysely, for the few hot paths that skip query building (services/run-writer.ts). */
export type RawDatabase =
  | {
      kind: 'sqlite'
      sqlite: SQLite.Database
      /** What hot writers await while the checkpointer holds the write lock (checkpointer.ts). */
      whenWritable(): Promise<unknown> | undefined
    }
  | { kind: 'postgres'; pool: pg.Pool }

export function createDialect(target: DatabaseTarget): {
  dialect: Dialect
  kind: DialectKind
  raw: RawDatabase
} {
  if (target.databaseUrl && /^postgres(ql)?:/.test(target.databaseUrl)) {
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: 10,
      // Idle connections stay open: pg closed them after 10 s, and the next burst opened new
      // ones, whose first statements (fork, cold catalog caches, named statements to prepare)
      // took 35 ms and more, with every delivery of that moment waiting behind them.
      idleTimeoutMillis: 0,
      options: target.pgSchema ? `-c search_path=${target.pgSchema}` : undefined,
    })
    return { dialect: new PostgresDialect({ pool }), kind: 'postgres', raw: { kind: 'postgres', pool } }
  }
  mkdirSync(target.dataDir, { recursive: true, mode: 0o700 })
  const file = join(target.dataDir, 'flowline.db')
  ownerOnly(file)
  const database = new SQLite(file)
  // WAL lets readers proceed during writes; busy_timeout absorbs a second process (e.g. a CLI).
  database.pragma('journal_mode = WAL')
  // SQLite gives the -wal and -shm files the database file's mode; older files get it now.
  for (const extra of ['-wal', '-shm']) if (existsSync(file + extra)) chmodSync(file + extra, 0o600)
  database.pragma('synchronous = NORMAL')
  // Checkpoints run on a thread of their own (checkpointer.ts); this connection checkpoints
  // only should the WAL pass ~200 MB.
  database.pragma('wal_autocheckpoint = 50000')
  const checkpointer = startCheckpointer(file, (message) => {
    process.emitWarning(`WAL checkpoint failed: ${message}`)
  })
  // Kysely's destroy() closes the database: the checkpointer lets go of the file first.
  const close = database.close.bind(database)
  database.close = () => {
    checkpointer.stop()
    return close()
  }
  database.pragma('busy_timeout = 5000')
  database.pragma('foreign_keys = ON')
  return {
    dialect: new SqliteDialect({ database }),
    kind: 'sqlite',
    raw: { kind: 'sqlite', sqlite: database, whenWritable: checkpointer.whenWritable },
  }
}

/**
 * The database holds password hashes, sealed secrets and every event: readable by its owner
 * only (0600), whatever the umask. Created so before SQLite opens it; an existing file is
 * restricted.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600))
  chmodSync(file, 0o600)
}
