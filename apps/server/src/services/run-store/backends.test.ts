import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OpenDatabase, openDatabase } from '../../db'
import { type DialectName, dialects, freshTarget, type TestTarget } from '../../testing/databases'
import { runRow } from '../../testing/run-rows'
import { type CommitBackend, commitBackend } from './backends'

const run = (id: string) => runRow(id, { status: 'running' })

const trace = (runId: string, seq: number, event: object) => ({
  run_id: runId,
  first_seq: seq,
  last_seq: seq,
  data: JSON.stringify([event]),
})

describe.each(dialects)('group commits of runs (%s)', (dialect: DialectName) => {
  let target: TestTarget
  let opened: OpenDatabase
  let commit: CommitBackend

  beforeAll(async () => {
    target = await freshTarget(dialect)
    opened = await openDatabase(target.target)
    commit = commitBackend(opened.db, opened.raw)
  })
  afterAll(async () => {
    await opened.db.destroy()
    await target.dispose()
  })

  const stored = (ids: string[]) =>
    opened.db
      .selectFrom('runs')
      .select(['id', 'status', 'state', 'finished_at', 'duration_ms', 'resume_at'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute()

  it('stores trace rows and runs updated in different ways in one commit', async () => {
    await opened.db
      .insertInto('runs')
      .values([run('a1'), run('a2'), run('a3')])
      .execute()
    await commit(
      [
        trace('a1', 1, { type: 'node.finished', nodeId: 'n' }),
        trace('a2', 1, { type: 'run.finished', status: 'succeeded' }),
        trace('a3', 1, { type: 'run.suspended', nodeId: 'wait' }),
      ],
      new Map([
        ['a1', { state: '{"checkpoint":1}' }],
        [
          'a2',
          { status: 'succeeded', finished_at: '2026-12-02T10:00:01.000Z', duration_ms: 1000, state: null },
        ],
        ['a3', { status: 'waiting', state: '{"waiting":1}', resume_at: '2026-12-03T10:00:00.000Z' }],
      ]),
    )
    expect(await stored(['a1', 'a2', 'a3'])).toEqual([
      {
        id: 'a1',
        status: 'running',
        state: '{"checkpoint":1}',
        finished_at: null,
        duration_ms: null,
        resume_at: null,
      },
      {
        id: 'a2',
        status: 'succeeded',
        state: null,
        finished_at: '2026-12-02T10:00:01.000Z',
        duration_ms: 1000,
        resume_at: null,
      },
      {
        id: 'a3',
        status: 'waiting',
        state: '{"waiting":1}',
        finished_at: null,
        duration_ms: null,
        resume_at: '2026-12-03T10:00:00.000Z',
      },
    ])
    const rows = await opened.db.selectFrom('run_trace').select('run_id').orderBy('run_id').execute()
    expect(rows.map((r) => r.run_id)).toEqual(['a1', 'a2', 'a3'])
    // The analytics trigger, fired by the status change, saw the trace stored by the same commit.
    const waiting = await opened.db
      .selectFrom('analytics_waiting')
      .selectAll()
      .where('run_id', '=', 'a3')
      .execute()
    expect(waiting).toEqual([{ run_id: 'a3', node_id: 'wait' }])
  })

  it('stores nothing of a commit when a part of it fails', async () => {
    await opened.db
      .insertInto('runs')
      .values([run('b1'), run('b2')])
      .execute()
    await commit([trace('b1', 1, { type: 'node.finished', nodeId: 'n' })], new Map())
    // The same (run, first event) again: the trace's primary key refuses it.
    await expect(
      commit(
        [
          trace('b2', 1, { type: 'node.finished', nodeId: 'n' }),
          trace('b1', 1, { type: 'node.finished', nodeId: 'n' }),
        ],
        new Map([
          ['b1', { state: '{"lost":1}' }],
          ['b2', { status: 'succeeded', finished_at: '2026-12-02T10:00:01.000Z', duration_ms: 1000 }],
        ]),
      ),
    ).rejects.toThrow()
    expect(await stored(['b1', 'b2'])).toEqual([
      { id: 'b1', status: 'running', state: null, finished_at: null, duration_ms: null, resume_at: null },
      { id: 'b2', status: 'running', state: null, finished_at: null, duration_ms: null, resume_at: null },
    ])
    const rows = await opened.db
      .selectFrom('run_trace')
      .select('run_id')
      .where('run_id', 'in', ['b1', 'b2'])
      .execute()
    expect(rows).toEqual([{ run_id: 'b1' }])
  })

  it('stores text exactly as given: quotes, backslashes, emoji, empty, NULL and separator characters', async () => {
    const plain = [
      '{"name":"O\'Neil \\"Jo\\"","path":"C:\\\\tmp","note":"line1\\nline2"}',
      'emoji 🚀 ünïcödé',
      '',
      '{}',
    ]
    // Text holding the characters the split form uses goes another way.
    const separators = ['a record \x1e separator', 'a unit \x1f separator', '\x1f']
    const texts = [...plain, ...separators]
    const ids = texts.map((_, i) => `c${i}`)
    await opened.db.insertInto('runs').values(ids.map(run)).execute()
    const commitOf = (from: number, to: number) =>
      commit(
        texts.slice(from, to).map((data, i) => ({ run_id: ids[from + i], first_seq: 1, last_seq: 1, data })),
        new Map(ids.slice(from, to).map((id, i) => [id, { state: from + i === 1 ? null : texts[from + i] }])),
      )
    await commitOf(0, plain.length)
    await commitOf(plain.length, texts.length)
    // One empty text alone is not no text.
    await commit([], new Map([['c3', { state: '' }]]))
    const states = await stored(ids)
    expect(states.map((r) => r.state)).toEqual([plain[0], null, '', '', ...separators])
    const data = await opened.db
      .selectFrom('run_trace')
      .select(['run_id', 'data'])
      .where('run_id', 'in', ids)
      .orderBy('run_id')
      .execute()
    expect(data.map((r) => r.data)).toEqual(texts)
  })
})
