import { describe, expect, it } from 'vitest'
import type { RunTraceTable } from '../../db/schema'
import type { CommitBackend, RunUpdate } from './backends'
import { RunWriter } from './run-writer'

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
})
