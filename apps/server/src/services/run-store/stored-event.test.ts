import { describe, expect, it } from 'vitest'
import type { TraceEvent } from '../engine'
import { compact } from '../execution/run-host'
import { storedEventJson, withRunId } from './stored-event'

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
