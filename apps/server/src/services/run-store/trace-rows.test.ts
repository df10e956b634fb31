import { describe, expect, it } from 'vitest'
import type { TraceEvent } from '../engine'
import { compact } from '../execution/run-host'
import { storedEventJson, withRunId } from './stored-event'
import { packTrace } from './trace-rows'

describe('packTrace', () => {
  it('stores the consecutive events of each run as one JSON array, in order', () => {
    const rows = packTrace([
      { run_id: 'a', seq: 1, data: '{"type":"run.started"}' },
      { run_id: 'b', seq: 7, data: '{"n":7}' },
      { run_id: 'a', seq: 2, data: '{"n":2}' },
      { run_id: 'a', seq: 3, data: '{"n":3}' },
    ])
    expect(rows).toEqual([
      { run_id: 'a', first_seq: 1, last_seq: 3, data: '[{"type":"run.started"},{"n":2},{"n":3}]' },
      { run_id: 'b', first_seq: 7, last_seq: 7, data: '[{"n":7}]' },
    ])
    expect(JSON.parse(rows[0].data)).toHaveLength(3)
  })

  it('never labels events with the wrong numbers: a gap starts another row', () => {
    const rows = packTrace([
      { run_id: 'a', seq: 1, data: '1' },
      { run_id: 'a', seq: 3, data: '3' },
    ])
    expect(rows.map((r) => [r.first_seq, r.last_seq, r.data])).toEqual([
      [1, 1, '[1]'],
      [3, 3, '[3]'],
    ])
  })
})

describe('stored events', () => {
  const event: TraceEvent = {
    type: 'node.finished',
    runId: '0b7c6f1e-5d1a-4f7e-9a53-2f1e8c9d0a11',
    at: '2026-12-01T00:00:00.000Z',
    nodeId: 'n8',
    output: { note: '"runId":"someone else"' },
    durationMs: 3,
  }

  it('leave out the runId the row holds, and read back as the engine emitted them', () => {
    const stored = compact(event)
    expect(stored).not.toContain(event.runId)
    expect(stored.length).toBeLessThan(JSON.stringify(event).length - 40)
    const read = withRunId(event.runId, JSON.parse(stored))
    expect(read).toEqual(event)
    expect(Object.keys(read)).toEqual(Object.keys(event))
  })

  it('keep rows written before (with their runId) as they are', () => {
    const old = JSON.parse(JSON.stringify(event)) as TraceEvent
    expect(withRunId(event.runId, old)).toBe(old)
  })

  it('are the JSON of the event without its runId, whatever its fields hold', () => {
    const odd = {
      type: 'node.failed',
      at: event.at,
      runId: event.runId,
      nodeId: 'step "quoted" \\ ünïcode\n',
      error: 'x'.repeat(100),
      durationMs: Number.NaN,
      attempt: -0,
      continued: false,
      retryInMs: undefined,
      output: { when: new Date(0), list: [1, undefined, 'two'], nested: { a: null } },
    } as unknown as TraceEvent
    for (const e of [event, odd]) {
      const { runId: _r, ...rest } = e
      expect(storedEventJson(e)).toBe(JSON.stringify(rest))
    }
  })
})
