import type { Db, RawDatabase } from '../../db'
import type { RunsTable } from '../../db/schema'
import { arrayParam, statementNames } from './pg-arrays'

/** What the webhook needs to know of a workflow before it reads the body. */
export interface HookTarget {
  id: string
  published_version: number | null
  archived: number
  webhook_secret: string | null
  /**
   * Whether any published run of it waits for an event (usually none): asked with the rest,
   * so a delivery costs one round trip less than asking `hasEventWaits` after it.
   */
  event_waits: boolean
}

/**
 * The two queries of every webhook delivery, on the driver directly: with a query builder
 * they cost more than the rest of accepting an event (building and preparing the SQL again
 * for every request, on the thread that serves HTTP).
 */
export interface HotQueries {
  hookTarget(workflowId: string): Promise<HookTarget | undefined>
  /** Inserts a run; false when (workflow_id, message_id) is taken (a redelivery). */
  insertRun(row: RunsTable): Promise<boolean>
  /** Inserts runs in one transaction (a Segment batch): per row, false when it was a redelivery. */
  insertRuns(rows: RunsTable[]): Promise<boolean[]>
  /** Whether any published run of the workflow waits for an event (one seek; usually none). */
  hasEventWaits(workflowId: string): Promise<boolean>
}

const RUN_COLUMNS: (keyof RunsTable)[] = [
  'id',
  'workflow_id',
  'version',
  'model',
  'kind',
  'status',
  'trigger',
  'dry_run',
  'message_id',
  'event',
  'mocks',
  'error',
  'actor',
  'started_at',
  'finished_at',
  'duration_ms',
  'state',
  'resume_at',
  'retry_of',
]
// PostgreSQL types of the run columns, for inserting many rows as arrays.
const PG_TYPES: Record<keyof RunsTable, string> = {
  id: 'text',
  workflow_id: 'text',
  version: 'integer',
  model: 'text',
  kind: 'text',
  status: 'text',
  trigger: 'text',
  dry_run: 'integer',
  message_id: 'text',
  event: 'text',
  mocks: 'text',
  error: 'text',
  actor: 'text',
  started_at: 'text',
  finished_at: 'text',
  duration_ms: 'integer',
  state: 'text',
  resume_at: 'text',
  retry_of: 'text',
  wake: 'text',
  analytics_path: 'text',
  trigger_node: 'text',
}
// On run_waits_key: (workflow_id, kind, version, node_id, wait_key).
const eventWaitsOf = (workflowId: string) => `SELECT 1 AS one FROM run_waits WHERE workflow_id = ${workflowId}
  AND kind = 'event' AND version IS NOT NULL AND wait_key IS NOT NULL LIMIT 1`
const HOOK_TARGET = `SELECT id, published_version, archived, webhook_secret,
  EXISTS (${eventWaitsOf('workflows.id')}) AS event_waits FROM workflows WHERE id = `
const EVENT_WAITS = eventWaitsOf('$1')

/**
 * `openSecret` turns the stored signing secret into the plain one (webhook-secrets.ts: sealed
 * at rest, opened once per secret and cached).
 */
export function hotQueries(
  db: Db,
  raw?: RawDatabase,
  openSecret?: (stored: string | null) => string | null,
): HotQueries {
  const queries = rawHotQueries(db, raw)
  if (!openSecret) return queries
  return {
    ...queries,
    hookTarget: async (id) => {
      const target = await queries.hookTarget(id)
      if (!target?.webhook_secret) return target
      return { ...target, webhook_secret: openSecret(target.webhook_secret) }
    },
  }
}

/**
 * Rows inserted during one turn of the event loop go into one transaction (SQLite): a
 * commit costs more than the row, and under load one turn reads many webhook requests.
 * Each caller still learns its own row's outcome, once it is committed. Should the batch
 * fail, each row is tried alone so one bad row fails only its own request. While the
 * checkpointer holds the write lock, the rows wait for it together with those that follow.
 */
function perTurn<R>(
  all: (rows: R[]) => boolean[],
  one: (row: R) => boolean,
  whenWritable: () => Promise<unknown> | undefined,
): (row: R) => Promise<boolean> {
  let pending: { row: R; resolve(v: boolean): void; reject(e: unknown): void }[] = []
  const flush = () => {
    const locked = whenWritable()
    if (locked) {
      void locked.then(flush)
      return
    }
    const batch = pending
    pending = []
    let results: boolean[] | null = null
    try {
      results = batch.length === 1 ? null : all(batch.map((p) => p.row))
    } catch {
      results = null
    }
    batch.forEach((p, i) => {
      if (results) {
        p.resolve(results[i])
        return
      }
      try {
        p.resolve(one(p.row))
      } catch (err) {
        p.reject(err)
      }
    })
  }
  return (row) =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush)
      pending.push({ row, resolve, reject })
    })
}

/**
 * `perTurn` for a driver that answers later (PostgreSQL): the rows of one turn go out as one
 * statement, which is its own transaction; a failed batch is tried row by row, as there.
 */
function perTurnAsync<R>(
  all: (rows: R[]) => Promise<boolean[]>,
  one: (row: R) => Promise<boolean>,
): (row: R) => Promise<boolean> {
  let pending: { row: R; resolve(v: boolean): void; reject(e: unknown): void }[] = []
  const alone = (p: (typeof pending)[number]) => {
    one(p.row).then(p.resolve, p.reject)
  }
  const flush = () => {
    const batch = pending
    pending = []
    if (batch.length === 1) return alone(batch[0])
    all(batch.map((p) => p.row)).then(
      (results) => {
        batch.forEach((p, i) => {
          p.resolve(results[i])
        })
      },
      () => batch.forEach(alone),
    )
  }
  return (row) =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush)
      pending.push({ row, resolve, reject })
    })
}

/**
 * Lookups asked for during one turn of the event loop go out as one query once the turn is
 * over (so it reads what was committed before any of them was asked), each key once: under
 * load one turn reads many webhook requests, nearly all for the same workflow, and on a
 * server database each query is a round trip that wakes both sides.
 */
function perTurnLookup<K, V>(many: (keys: K[]) => Promise<Map<K, V>>): (key: K) => Promise<V | undefined> {
  let pending = new Map<K, { resolve(v: V | undefined): void; reject(e: unknown): void }[]>()
  const flush = () => {
    const batch = pending
    pending = new Map()
    many([...batch.keys()]).then(
      (found) => {
        for (const [key, waiting] of batch) for (const w of waiting) w.resolve(found.get(key))
      },
      (err) => {
        for (const waiting of batch.values()) for (const w of waiting) w.reject(err)
      },
    )
  }
  return (key) =>
    new Promise((resolve, reject) => {
      if (pending.size === 0) setImmediate(flush)
      const waiting = pending.get(key)
      if (waiting) waiting.push({ resolve, reject })
      else pending.set(key, [{ resolve, reject }])
    })
}

function rawHotQueries(db: Db, raw?: RawDatabase): HotQueries {
  if (raw?.kind === 'sqlite') {
    const target = raw.sqlite.prepare(`${HOOK_TARGET}?`)
    const insert = raw.sqlite.prepare(
      `INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (workflow_id, message_id) DO NOTHING`,
    )
    const insertAll = raw.sqlite.transaction((rows: RunsTable[]) =>
      rows.map((r) => insert.run(r).changes === 1),
    )
    const eventWaits = raw.sqlite.prepare(EVENT_WAITS.replace('$1', '?'))
    return {
      hookTarget: async (id) => {
        const row = target.get(id) as (Omit<HookTarget, 'event_waits'> & { event_waits: number }) | undefined
        return row && Object.assign(row, { event_waits: row.event_waits === 1 })
      },
      insertRun: perTurn(insertAll, (row) => insert.run(row).changes === 1, raw.whenWritable),
      insertRuns: async (rows) => {
        const locked = raw.whenWritable()
        if (locked) await locked
        return insertAll(rows)
      },
      hasEventWaits: async (id) => eventWaits.get(id) !== undefined,
    }
  }
  if (raw?.kind === 'postgres') {
    const insertText = `INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (workflow_id, message_id) DO NOTHING`
    const insertRun = async (row: RunsTable) =>
      (
        await raw.pool.query({
          name: 'insert-run',
          text: insertText,
          values: RUN_COLUMNS.map((c) => row[c]),
        })
      ).rowCount === 1
    // One statement: the rows as column arrays (unnest), atomic as a whole.
    const insertRunsName = statementNames('insert-runs')
    const insertRuns = async (rows: RunsTable[]) => {
      if (rows.length === 0) return []
      const values: unknown[] = []
      const push = (value: unknown) => `$${values.push(value)}`
      const columns = RUN_COLUMNS.map((c) =>
        arrayParam(
          rows.map((r) => r[c]),
          PG_TYPES[c],
          push,
        ),
      )
      const text = `INSERT INTO runs (${RUN_COLUMNS.join(', ')}) SELECT * FROM unnest(${columns.join(', ')})
        ON CONFLICT (workflow_id, message_id) DO NOTHING RETURNING id`
      const res = await raw.pool.query<{ id: string }>({ name: insertRunsName(text), text, values })
      const inserted = new Set(res.rows.map((r) => r.id))
      return rows.map((r) => inserted.has(r.id))
    }
    return {
      // Named: each connection parses and plans them once.
      hookTarget: perTurnLookup(async (ids: string[]) => {
        const res = await raw.pool.query<HookTarget>({
          name: 'hook-targets',
          text: `${HOOK_TARGET}ANY($1::text[])`,
          values: [ids],
        })
        return new Map(res.rows.map((row) => [row.id, row]))
      }),
      insertRun: perTurnAsync(insertRuns, insertRun),
      insertRuns,
      hasEventWaits: async (id) =>
        (await raw.pool.query({ name: 'event-waits', text: EVENT_WAITS, values: [id] })).rowCount === 1,
    }
  }
  const hasEventWaits = async (id: string) =>
    (await db
      .selectFrom('run_waits')
      .select('run_id')
      .where('workflow_id', '=', id)
      .where('kind', '=', 'event')
      .where('version', 'is not', null)
      .where('wait_key', 'is not', null)
      .limit(1)
      .executeTakeFirst()) !== undefined
  return {
    hookTarget: async (id) => {
      const target = await db
        .selectFrom('workflows')
        .select(['id', 'published_version', 'archived', 'webhook_secret'])
        .where('id', '=', id)
        .executeTakeFirst()
      return target && Object.assign(target, { event_waits: await hasEventWaits(id) })
    },
    insertRun: async (row) => {
      const res = await db
        .insertInto('runs')
        .values(row)
        .onConflict((oc) => oc.columns(['workflow_id', 'message_id']).doNothing())
        .executeTakeFirst()
      return Number(res.numInsertedOrUpdatedRows ?? 0) === 1
    },
    insertRuns: (rows) =>
      db.transaction().execute(async (trx) => {
        const done: boolean[] = []
        for (const row of rows) {
          const res = await trx
            .insertInto('runs')
            .values(row)
            .onConflict((oc) => oc.columns(['workflow_id', 'message_id']).doNothing())
            .executeTakeFirst()
          done.push(Number(res.numInsertedOrUpdatedRows ?? 0) === 1)
        }
        return done
      }),
    hasEventWaits,
  }
}
