import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OpenDatabase, openDatabase } from '../../db'
import type { WorkflowsTable } from '../../db/schema'
import { type DialectName, dialects, freshTarget, type TestTarget } from '../../testing/databases'
import { runRow } from '../../testing/run-rows'
import { type HotQueries, hotQueries } from './hot-queries'

const workflow = (id: string, published_version: number | null): WorkflowsTable => ({
  id,
  title: id,
  archived: 0,
  latest_version: 1,
  published_version,
  webhook_secret: null,
  created_at: '2026-12-02T10:00:00.000Z',
  created_by: 'someone',
  updated_at: '2026-12-02T10:00:00.000Z',
  updated_by: 'someone',
})

const delivery = (id: string, event: string) =>
  runRow(id, { workflow_id: 'draft', message_id: `m-${id}`, event })

describe.each(dialects)('webhook lookups (%s)', (dialect: DialectName) => {
  let target: TestTarget
  let opened: OpenDatabase
  let hot: HotQueries

  beforeAll(async () => {
    target = await freshTarget(dialect)
    opened = await openDatabase(target.target)
    hot = hotQueries(opened.db, opened.raw)
    await opened.db
      .insertInto('workflows')
      .values([workflow('live', 3), workflow('draft', null)])
      .execute()
  })
  afterAll(async () => {
    await opened.db.destroy()
    await target.dispose()
  })

  it('answers requests arriving together, each with its own workflow', async () => {
    const [a, b, c, d] = await Promise.all([
      hot.hookTarget('live'),
      hot.hookTarget('draft'),
      hot.hookTarget('missing'),
      hot.hookTarget('live'),
    ])
    expect(a).toMatchObject({ id: 'live', published_version: 3, event_waits: false })
    expect(b).toMatchObject({ id: 'draft', published_version: null })
    expect(c).toBeUndefined()
    expect(d).toEqual(a)
  })

  it('sees a change committed before the request', async () => {
    await opened.db.updateTable('workflows').set({ archived: 1 }).where('id', '=', 'live').execute()
    expect(await hot.hookTarget('live')).toMatchObject({ archived: 1 })
  })

  it('stores deliveries arriving together exactly as sent, and refuses a redelivery', async () => {
    const events = [
      '{"name":"O\'Neil \\"Jo\\"","note":"a\\nb \\\\ c"}',
      '{"emoji":"🚀"}',
      '{"odd":"\x1e\x1f"}',
    ]
    const [first] = await hot.insertRuns([delivery('r1', events[0])])
    const again = await hot.insertRuns([
      delivery('r2', events[1]),
      { ...delivery('r1-again', events[0]), message_id: 'm-r1' },
      delivery('r3', events[2]),
    ])
    expect([first, ...again]).toEqual([true, true, false, true])
    const rows = await opened.db.selectFrom('runs').select(['id', 'event', 'state']).orderBy('id').execute()
    expect(rows).toEqual([
      { id: 'r1', event: events[0], state: null },
      { id: 'r2', event: events[1], state: null },
      { id: 'r3', event: events[2], state: null },
    ])
  })
})
