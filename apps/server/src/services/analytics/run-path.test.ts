import { describe, expect, it } from 'vitest'
import type { TraceEvent } from '../engine'
import { RunPath } from './run-path'

const at = '2026-01-01T00:00:00.000Z'
const runId = 'r1'

describe('RunPath', () => {
  it('keeps each step and edge once, final failures only, and edge ids that need escaping', () => {
    const path = new RunPath()
    const events = [
      { type: 'node.started', runId, at, nodeId: 'a' },
      { type: 'node.finished', runId, at, nodeId: 'a', output: { edgeId: 'not this' }, durationMs: 1 },
      { type: 'edge.taken', runId, at, edgeId: 'a->"b"', source: 'a', target: 'b' },
      { type: 'node.started', runId, at, nodeId: 'b' },
      { type: 'node.failed', runId, at, nodeId: 'b', error: 'once', durationMs: 1, retryInMs: 100 },
      { type: 'node.started', runId, at, nodeId: 'b', attempt: 2 },
      { type: 'node.failed', runId, at, nodeId: 'b', error: '"retryInMs": in a message', durationMs: 1 },
      { type: 'edge.taken', runId, at, edgeId: 'b->c', source: 'b', target: 'c' },
      { type: 'edge.taken', runId, at, edgeId: 'b->c', source: 'b', target: 'c' },
    ] as const
    for (const e of events) path.observe(e as TraceEvent)
    expect(JSON.parse(path.signature())).toEqual(['f:b', 'r:a', 'r:b', 's:a', 't:a->"b"', 't:b->c'])
  })
})
