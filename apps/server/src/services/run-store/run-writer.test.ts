import { describe, expect, it } from 'vitest'
import type { TraceEventRow } from '../../db/schema'
import type { CommitBackend, RunUpdate } from './backends'
import { RunWriter } from './run-writer'

const event = (runId: string, seq: number): TraceEventRow => ({ run_id: runId, seq, data: '{}' })

function recording(fail?: (n: number) => boolean) {
  const commits: { events: number[]; updates: [string, RunUpdate][] }[] = []
  const backend: CommitBackend = async (events, updates) => {
    if (fail?.(commits.length)) {
      commits.push({ events: [], updates: [] })
      throw new Error('disk full')
    }
    commits.push({ events: events.map((e) => e.seq), updates: [...updates] })
  }
  return { commits, backend }
}

describe('RunWriter (group commit)', () => {
  it('commits what arrived together in one transaction, merging updates of a run', async () => {
    const { commits, backend } = recording()
    const writer = new RunWriter(backend)
    writer.event(event('r1', 1))
    writer.event(event('r1', 2))
    const running = writer.update('r1', { status: 'running' })
    const done = writer.update('r1', { status: 'succeeded', finished_at: 'now' })
    writer.event(event('r2', 1))
    await Promise.all([running, done])
    expect(commits).toEqual([
      { events: [1, 2, 1], updates: [['r1', { status: 'succeeded', finished_at: 'now' }]] },
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
