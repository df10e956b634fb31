import type SQLite from 'better-sqlite3'
import type pg from 'pg'
import type { Db, RawDatabase } from '../../db'
import type { RunsTable, RunTraceTable } from '../../db/schema'
import { arrayParam, statementNames } from './pg-arrays'

export type RunUpdate = Partial<Omit<RunsTable, 'id'>>

/** Writes one group commit: trace rows, then run updates, in one transaction. */
export type CommitBackend = (rows: RunTraceTable[], updates: Map<string, RunUpdate>) => Promise<void>

// Columns a run update may set, with their PostgreSQL types (for unnest arrays).
const UPDATABLE: Record<string, string> = {
  status: 'text',
  state: 'text',
  resume_at: 'text',
  error: 'text',
  finished_at: 'text',
  duration_ms: 'integer',
  wake: 'text',
  analytics_path: 'text',
}

function columnsOf(fields: RunUpdate): string[] {
  const cols = Object.keys(fields).sort()
  for (const c of cols) if (!(c in UPDATABLE)) throw new Error(`run updates cannot set ${c}`)
  return cols
}

/**
 * SQLite: cached prepared statements in one synchronous transaction. Building SQL with a
 * query builder for every commit cost more than the commit itself (and it all runs on the
 * thread that serves HTTP, since better-sqlite3 is synchronous).
 */
export function sqliteBackend(raw: Extract<RawDatabase, { kind: 'sqlite' }>): CommitBackend {
  const database = raw.sqlite
  const insert = database.prepare(
    'INSERT INTO run_trace (run_id, first_seq, last_seq, data) VALUES (@run_id, @first_seq, @last_seq, @data)',
  )
  const updates = new Map<string, SQLite.Statement>()
  const updateFor = (cols: string[]) => {
    const key = cols.join(',')
    let stmt = updates.get(key)
    if (!stmt) {
      stmt = database.prepare(`UPDATE runs SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`)
      updates.set(key, stmt)
    }
    return stmt
  }
  const commit = database.transaction((rows: RunTraceTable[], changes: Map<string, RunUpdate>) => {
    for (const row of rows) insert.run(row)
    for (const [id, fields] of changes) updateFor(columnsOf(fields)).run(Object.assign({}, fields, { id }))
  })
  return async (rows, changes) => {
    // Awaited only while locked: otherwise the commit stays in the caller's turn.
    const locked = raw.whenWritable()
    if (locked) await locked
    commit(rows, changes)
  }
}

/**
 * PostgreSQL: the whole commit is one statement, and so one round trip and one implicit
 * transaction: the INSERT of all events and one UPDATE per shape of update, each taking its
 * rows as arrays (unnest), joined as data-modifying WITH parts (BEGIN, INSERT, UPDATE and
 * COMMIT as statements of their own cost four round trips, each one a wake-up of both sides).
 * Its text depends only on which shapes are in the batch, so it is prepared once per
 * connection under a name. Each run appears in one part only (its updates in a batch are
 * merged): a statement may not update one row twice. The analytics trigger, an AFTER trigger,
 * runs once the whole statement is done and sees the events inserted by it.
 */
export function postgresBackend(pool: pg.Pool): CommitBackend {
  const nameOf = statementNames('run-commit')
  return async (rows, changes) => {
    const values: unknown[] = []
    const push = (value: unknown) => `$${values.push(value)}`
    const array = (items: unknown[], type: string) => arrayParam(items, type, push)
    const parts: string[] = []
    if (rows.length > 0) {
      const columns = [
        array(
          rows.map((r) => r.run_id),
          'text',
        ),
        array(
          rows.map((r) => r.first_seq),
          'integer',
        ),
        array(
          rows.map((r) => r.last_seq),
          'integer',
        ),
        array(
          rows.map((r) => r.data),
          'text',
        ),
      ]
      parts.push(
        `INSERT INTO run_trace (run_id, first_seq, last_seq, data) SELECT * FROM unnest(${columns.join(', ')})`,
      )
    }
    const byShape = new Map<string, { cols: string[]; rows: [string, RunUpdate][] }>()
    for (const [id, fields] of changes) {
      const cols = columnsOf(fields)
      const key = cols.join(',')
      const group = byShape.get(key) ?? { cols, rows: [] }
      group.rows.push([id, fields])
      byShape.set(key, group)
    }
    for (const { cols, rows } of byShape.values()) {
      const sets = cols.map((c) => `${c} = v.${c}`).join(', ')
      const ids = array(
        rows.map(([id]) => id),
        'text',
      )
      const arrays = cols
        .map((c) =>
          array(
            rows.map(([, f]) => f[c as keyof RunUpdate] ?? null),
            UPDATABLE[c],
          ),
        )
        .join(', ')
      parts.push(
        `UPDATE runs SET ${sets} FROM unnest(${ids}, ${arrays}) AS v(id, ${cols.join(', ')}) WHERE runs.id = v.id`,
      )
    }
    if (parts.length === 0) return
    const last = parts.pop()
    const text =
      parts.length === 0 ? last! : `WITH ${parts.map((p, i) => `w${i} AS (${p})`).join(', ')} ${last}`
    await pool.query({ name: nameOf(text), text, values })
  }
}

/** Through Kysely: where no driver handle is at hand. */
export function kyselyBackend(db: Db): CommitBackend {
  return async (rows, changes) => {
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) {
        await trx
          .insertInto('run_trace')
          .values(rows.slice(i, i + 500))
          .execute()
      }
      for (const [runId, fields] of changes) {
        await trx.updateTable('runs').set(fields).where('id', '=', runId).execute()
      }
    })
  }
}

export function commitBackend(db: Db, raw?: RawDatabase): CommitBackend {
  if (raw?.kind === 'sqlite') return sqliteBackend(raw)
  if (raw?.kind === 'postgres') return postgresBackend(raw.pool)
  return kyselyBackend(db)
}
