import { describe, expect, it } from 'vitest'
import type { FetchLike } from '../nodes/types'
import { runWorkflow } from './executor'
import { end, flow, start } from './fixtures'
import { runTestCase } from './test-cases'
import type { TraceEvent } from './trace'

const event = { type: 'track', event: 'Order Completed', userId: 'u-1' }
const fast = { backoffMs: 1, maxBackoffMs: 20, nodeRetryDelayMs: 2 }
const trace = (events: TraceEvent[] | undefined) =>
  (events ?? [])
    .filter((e) => e.type !== 'run.started' && e.type !== 'run.finished')
    .map((e) => `${e.type} ${'nodeId' in e ? e.nodeId : 'edgeId' in e ? e.edgeId : ''}`)

/** A fetch answering 400 (a failure no transport retry hides) `failures` times, then 200. */
function flaky(failures: number) {
  let calls = 0
  const fetch: FetchLike = async () => {
    calls++
    return calls <= failures
      ? new Response('{"error":"bad"}', { status: 400, headers: { 'content-type': 'application/json' } })
      : new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } })
  }
  return { fetch, calls: () => calls }
}

// s → h (HTTP) → ok → e, and h -[error]→ fallback → e
const withErrorBranch = (config: Record<string, unknown>) =>
  flow(
    [
      start('s'),
      { id: 'h', type: 'http-request', config: { url: 'https://api.example/x', ...config } },
      { id: 'ok', type: 'transform', config: { vars: { path: '"ok"' } } },
      {
        id: 'fallback',
        type: 'transform',
        config: { vars: { path: '"fallback"', why: 'steps.h.error.message' } },
      },
      end('e'),
    ],
    ['s -> h', 'h -> ok', 'h -> fallback : error', 'ok -> e', 'fallback -> e'],
  )

describe('per-node error handling', () => {
  it('continue: the error becomes the output and only the error edge is taken', async () => {
    const r = await runWorkflow(withErrorBranch({ onError: 'continue' }), { event, fetch: flaky(9).fetch })
    expect(r.status).toBe('succeeded')
    expect(r.vars).toEqual({
      path: 'fallback',
      why: 'GET https://api.example/x answered 400: {"error":"bad"}',
    })
    expect(r.steps.h).toMatchObject({
      status: 'failed',
      continued: true,
      output: {
        error: {
          message: 'GET https://api.example/x answered 400: {"error":"bad"}',
          nodeId: 'h',
          attempts: 1,
        },
      },
    })
    expect(r.steps.ok.status).toBe('skipped')
    expect(trace(r.events)).toEqual([
      'node.started s',
      'node.finished s',
      'edge.taken e1',
      'node.started h',
      'node.failed h',
      'edge.skipped e2',
      'node.skipped ok',
      'edge.skipped e4',
      'edge.taken e3',
      'node.started fallback',
      'node.finished fallback',
      'edge.taken e5',
      'node.started e',
      'node.finished e',
    ])
    expect(r.events?.find((e) => e.type === 'node.failed')).toMatchObject({
      continued: true,
      output: r.steps.h.output,
    })
  })

  it('a step that succeeds never takes its error branch', async () => {
    const r = await runWorkflow(withErrorBranch({ onError: 'continue' }), { event, fetch: flaky(0).fetch })
    expect(r.vars).toEqual({ path: 'ok' })
    expect(r.steps.fallback.status).toBe('skipped')
  })

  it('retry: runs the step again after a growing pause, each attempt in the trace', async () => {
    const f = flaky(2)
    const r = await runWorkflow(withErrorBranch({ onError: 'retry', retries: 2 }), {
      event,
      fetch: f.fetch,
      http: fast,
    })
    expect(r.status).toBe('succeeded')
    expect(f.calls()).toBe(3)
    expect(r.steps.h).toMatchObject({ status: 'succeeded', attempts: 3 })
    const h = (r.events ?? []).filter((e) => 'nodeId' in e && e.nodeId === 'h')
    expect(
      h.map((e) => [e.type, (e as { attempt?: number }).attempt, (e as { retryInMs?: number }).retryInMs]),
    ).toEqual([
      ['node.started', undefined, undefined],
      ['node.failed', 1, 2],
      ['node.started', 2, undefined],
      ['node.failed', 2, 4],
      ['node.started', 3, undefined],
      ['node.finished', undefined, undefined],
    ])
  })

  it('retry: fails the run when every attempt fails, saying how many there were', async () => {
    const r = await runWorkflow(withErrorBranch({ onError: 'retry', retries: 1 }), {
      event,
      fetch: flaky(9).fetch,
      http: fast,
    })
    expect(r.status).toBe('failed')
    expect(r.error).toBe('h: GET https://api.example/x answered 400: {"error":"bad"} (after 2 attempts)')
  })

  it('fail (the default) ends the run, and a continue without an error edge ends only that branch', async () => {
    const failing = await runWorkflow(withErrorBranch({}), { event, fetch: flaky(9).fetch })
    expect(failing.status).toBe('failed')
    const quiet = await runWorkflow(
      flow(
        [
          start('s'),
          { id: 't', type: 'transform', config: { vars: { x: '$error("boom")' }, onError: 'continue' } },
          end('e'),
        ],
        ['s -> t', 't -> e'],
      ),
      { event },
    )
    expect(quiet.status).toBe('succeeded')
    expect(quiet.steps.t).toMatchObject({ status: 'failed', continued: true, error: 'vars.x: boom' })
    expect(quiet.steps.e.status).toBe('skipped')
  })

  it('counts a handled failure as a step that ran in saved test cases', async () => {
    const wf = withErrorBranch({ onError: 'continue' })
    const outcome = await runTestCase(
      wf,
      {
        name: 'api down',
        event,
        expectRan: ['h', 'fallback'],
        expectNotRan: ['ok'],
        assertions: ['steps.h.error.nodeId = "h"'],
      },
      { fetch: flaky(9).fetch },
    )
    expect(outcome.failures).toEqual([])
  })
})
