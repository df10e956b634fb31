import type SQLite from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Db, openDatabase } from '../db'
import { dialects, freshTarget, type TestTarget } from '../testing/databases'
import { dueRuns } from './wait-scheduler'

const NOW = Date.UTC(2026, 0, 1)
const at = (ms: number) => new Date(NOW + ms).toISOString()

describe.each(dialects)('due waiting runs (%s)', (dialect) => {
  let target: TestTarget
  let db: Db
  beforeEach(async () => {
    target = await freshTarget(dialect)
    ;({ db } = await openDatabase(target.target))
  })
  afterEach(async () => {
    await db.destroy()
    await target.dispose()
  })

  async function run(id: string, status: string, resumeAt: string | null) {
    await db
      .insertInto('runs')
      .values({
        id,
        workflow_id: 'w',
        version: 1,
        kind: 'production',
        status,
        trigger: 'webhook',
        dry_run: 0,
        event: '{}',
        started_at: at(-60_000),
        resume_at: resumeAt,
      } as never)
      .execute()
  }

  it('are the waiting runs whose time has come, earliest first', async () => {
    await run('later', 'waiting', at(5_000))
    await run('due-second', 'waiting', at(-1_000))
    await run('due-first', 'waiting', at(-2_000))
    await run('running', 'running', at(-3_000))
    await run('finished', 'succeeded', null)
    expect((await dueRuns(db, NOW).execute()).map((r) => r.id)).toEqual(['due-first', 'due-second'])
  })
})

describe('due waiting runs on SQLite', () => {
  let target: TestTarget
  let db: Db
  let sqlite: SQLite.Database
  beforeEach(async () => {
    target = await freshTarget('sqlite')
    const opened = await openDatabase(target.target)
    db = opened.db
    if (opened.raw.kind !== 'sqlite') throw new Error('SQLite expected')
    sqlite = opened.raw.sqlite
  })
  afterEach(async () => {
    await db.destroy()
    await target.dispose()
  })

  it('are read through the index of waiting runs alone', async () => {
    const { sql: text, parameters } = dueRuns(db, NOW).compile()
    const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...(parameters as unknown[]))
    expect(JSON.stringify(plan)).toContain('runs_waiting')
    expect(JSON.stringify(plan)).not.toContain('TEMP B-TREE')
    // It holds waiting runs alone: status changes of runs that never wait leave it be.
    const indexes = sqlite.pragma('index_list(runs)') as { name: string; partial: number }[]
    expect(indexes.find((i) => i.name === 'runs_waiting')?.partial).toBe(1)
  })
})
