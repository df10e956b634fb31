import { describe, expect, it } from 'vitest'
import type { FetchLike } from '../nodes/types'
import { resumeRun, runWorkflow } from './executor'
import { end, flow, start, transform } from './fixtures'
import type { RunState } from './types'

const event = { type: 'track', userId: 'u-1' }
const post = (id: string) => ({
  id,
  type: 'http-request',
  config: { method: 'POST', url: `https://api.example.com/${id}`, body: '{"user": event.userId}' },
})

// start → a (transform) → p1 (POST) → b (transform) → p2 (POST) → end
const twoSideEffects = flow(
  [start('s'), transform('a', { x: '1' }), post('p1'), transform('b', { y: '2' }), post('p2'), end('e')],
  ['s -> a', 'a -> p1', 'p1 -> b', 'b -> p2', 'p2 -> e'],
)

function recordingFetch(calls: { url: string; key?: string }[]): FetchLike {
  return async (url, init) => {
    calls.push({ url, key: init.headers['Idempotency-Key'] })
    return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } })
  }
}

const finishedIn = (s: RunState) =>
  Object.entries(s.results)
    .filter(([, r]) => r.status === 'succeeded')
    .map(([id]) => id)

describe('checkpoints (durable live runs)', () => {
  it('stores everything finished before each side effect goes out, and only then', async () => {
    const calls: { url: string }[] = []
    const checkpoints: { must: boolean; finished: string[]; callsOut: number }[] = []
    const r = await runWorkflow(twoSideEffects, {
      event,
      dryRun: false,
      fetch: recordingFetch(calls),
      checkpointAfterMs: 0,
      checkpoint: async (s, must) => {
        checkpoints.push({
          must,
          finished: finishedIn(JSON.parse(JSON.stringify(s))),
          callsOut: calls.length,
        })
      },
    })
    expect(r.status).toBe('succeeded')
    // Before each call: everything before it, and not the call itself. After each call: kept
    // without holding the run up.
    expect(checkpoints).toEqual([
      { must: true, finished: ['s', 'a'], callsOut: 0 },
      { must: false, finished: ['s', 'a', 'p1'], callsOut: 1 },
      { must: true, finished: ['s', 'a', 'p1', 'b'], callsOut: 1 },
      { must: false, finished: ['s', 'a', 'p1', 'b', 'p2'], callsOut: 2 },
    ])
  })

  it('keeps what a slow call produced without holding the run up; fast calls only get the checkpoints before side effects', async () => {
    const slowFetch: FetchLike = async (url) => {
      await new Promise((r) => setTimeout(r, url.endsWith('p1') ? 80 : 0))
      return new Response('{}', { headers: { 'content-type': 'application/json' } })
    }
    const optional: string[][] = []
    const r = await runWorkflow(twoSideEffects, {
      event,
      dryRun: false,
      fetch: slowFetch,
      checkpoint: (s, must) => {
        if (!must) optional.push(finishedIn(s))
      },
    })
    expect(r.status).toBe('succeeded')
    expect(optional).toEqual([['s', 'a', 'p1']])
  })

  it('dry runs never wait for a checkpoint: nothing goes out', async () => {
    const must: boolean[] = []
    const r = await runWorkflow(twoSideEffects, { event, checkpoint: (_s, m) => void must.push(m) })
    expect(r.status).toBe('succeeded')
    expect(must).not.toContain(true)
  })

  it('a run resumed from a checkpoint goes on after its last stored step and never repeats one', async () => {
    let stored: RunState | undefined
    const before: { url: string; key?: string }[] = []
    // Never settles: the process "dies" while the second checkpoint is being stored.
    void runWorkflow(twoSideEffects, {
      event,
      runId: 'r-9',
      dryRun: false,
      fetch: recordingFetch(before),
      checkpoint: (s, must) => {
        if (!must) return
        stored = JSON.parse(JSON.stringify(s))
        // The process dies before p2's call: the second checkpoint is the last thing stored.
        if (finishedIn(s).includes('p1')) return new Promise<void>(() => {})
      },
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(before.map((c) => c.url)).toEqual(['https://api.example.com/p1'])

    const after: { url: string; key?: string }[] = []
    const events: string[] = []
    const r = await resumeRun(twoSideEffects, stored!, {
      fetch: recordingFetch(after),
      onEvent: (e) => events.push(e.type === 'node.started' ? `start ${e.nodeId}` : e.type),
    })
    expect(r.status).toBe('succeeded')
    expect(after).toEqual([{ url: 'https://api.example.com/p2', key: 'r-9:p2:1' }])
    expect(events[0]).toBe('run.resumed')
    expect(events.filter((e) => e.startsWith('start'))).toEqual(['start p2', 'start e'])
    expect(r.vars).toMatchObject({ x: 1, y: 2 })
  })

  it('cancelling stops the run at its current step and aborts its request', async () => {
    const controller = new AbortController()
    let aborted = false
    const hanging: FetchLike = (_url, init) =>
      new Promise((_, reject) => {
        init.signal?.addEventListener('abort', () => {
          aborted = true
          reject(new Error('aborted'))
        })
        setTimeout(() => controller.abort(), 10)
      })
    const r = await runWorkflow(twoSideEffects, {
      event,
      dryRun: false,
      fetch: hanging,
      signal: controller.signal,
    })
    expect(r).toMatchObject({ status: 'cancelled', error: 'cancelled while running' })
    expect(aborted).toBe(true)
    expect(r.steps.b).toBeUndefined()
    expect(r.events?.at(-1)).toMatchObject({ type: 'run.finished', status: 'cancelled' })
  })
})
