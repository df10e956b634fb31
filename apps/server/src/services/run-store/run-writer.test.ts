import { describe, expect, it } from 'vitest'
import type { RunTraceTable } from '../../db/schema'
import type { CommitBackend, RunUpdate } from './backends'
import { LAZY_COMMIT_MS, RunWriter } from './run-writer'

const row = (runId: string, first: number, last = first): RunTraceTable => ({
  run_id: runId,
  first_seq: first,
  last_seq: last,
  data: `[${Array(last - first + 1).fill('{}')}]`,
})

function recording(fail?: (n: number) => boolean) {
  const commits: { rows: number[][]; updates: [string, RunUpdate][] }[] = []
  const backend: CommitBackend = async (rows, updates) => {
    if (fail?.(commits.length)) {
      commits.push({ rows: [], updates: [] })
      throw new Error('disk full')
    }
    commits.push({ rows: rows.map((r) => [r.first_seq, r.last_seq]), updates: [...updates] })
  }
  return { commits, backend }
}

describe('RunWriter (group commit)', () => {
  it('commits what arrived together in one transaction, merging updates of a run', async () => {
    const { commits, backend } = recording()
    const writer = new RunWriter(backend)
    writer.trace(row('r1', 1, 3))
    writer.trace(row('r1', 4))
    const running = writer.update('r1', { status: 'running' })
    const done = writer.update('r1', { status: 'succeeded', finished_at: 'now' })
    writer.trace(row('r2', 1))
    await Promise.all([running, done])
    expect(commits).toEqual([
      {
        rows: [
          [1, 3],
          [4, 4],
          [1, 1],
        ],
        updates: [['r1', { status: 'succeeded', finished_at: 'now' }]],
      },
    ])
  })

  it('confirms an update only after the commit that holds it, and keeps later ones for the next', async () => {
    const { commits, backend } = recording()
    const writer = new RunWriter(backend)
    const first = writer.update('a', { state: 'one' })
    await first
    expect(commits).toHaveLength(1)
    const second = writer.update('a', { state: 'two' })
    await writer.flushed()
    await second
    expect(commits.map((c) => c.updates)).toEqual([[['a', { state: 'one' }]], [['a', { state: 'two' }]]])
    await expect(writer.flushed()).resolves.toBeUndefined()
  })

  it('rejects the updates of a failed commit and goes on with the next', async () => {
    const { commits, backend } = recording((n) => n === 0)
    const writer = new RunWriter(backend)
    await expect(writer.update('a', { state: 'lost' })).rejects.toThrow('disk full')
    await expect(writer.update('a', { state: 'kept' })).resolves.toBeUndefined()
    expect(commits[1].updates).toEqual([['a', { state: 'kept' }]])
  })

  it('lets writes nobody waits for ride with the next commit someone waits for', async () => {
    const { commits, backend } = recording()
    const writer = new RunWriter(backend)
    const running = writer.update('a', { status: 'running' }, { lazy: true })
    writer.trace(row('a', 1, 5))
    await new Promise((r) => setTimeout(r, 2))
    expect(commits).toHaveLength(0)
    await writer.update('b', { state: 'checkpoint' })
    await running
    expect(commits).toEqual([
      {
        rows: [[1, 5]],
        updates: [
          ['a', { status: 'running' }],
          ['b', { state: 'checkpoint' }],
        ],
      },
    ])
  })

  it('stores lazy writes within LAZY_COMMIT_MS when nothing else comes', async () => {
    const { commits, backend } = recording()
    const writer = new RunWriter(backend)
    const started = Date.now()
    writer.trace(row('a', 1))
    await writer.update('a', { status: 'succeeded' }, { lazy: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(LAZY_COMMIT_MS - 2)
    expect(commits).toEqual([{ rows: [[1, 1]], updates: [['a', { status: 'succeeded' }]] }])
    await expect(writer.flushed()).resolves.toBeUndefined()
  })

  it('never stores a lazy write after a later urgent one', async () => {
    const order: string[] = []
    const writer = new RunWriter(async (rows, updates) => {
      order.push([...rows.map((r) => `${r.run_id}:${r.first_seq}`), ...updates.keys()].join(' '))
      await new Promise((r) => setTimeout(r, 5))
    })
    const first = writer.update('a', { state: 'one' })
    await new Promise((r) => setImmediate(r))
    // While that commits: a lazy row, then an urgent checkpoint of another run.
    writer.trace(row('a', 1))
    const second = writer.update('b', { state: 'two' })
    await Promise.all([first, second])
    expect(order).toEqual(['a', 'a:1 b'])
  })
})
