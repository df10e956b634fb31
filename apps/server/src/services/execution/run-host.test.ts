import type { Workflow } from '@flowline/engine'
import { describe, expect, it } from 'vitest'
import type { RunDeps, TraceEvent } from '../engine'
import { storedEventJson } from '../run-store/stored-event'
import type { FromHost } from './protocol'
import { createRunHost, restoreState } from './run-host'

const step = (id: string, type: string, config: Record<string, unknown>) => ({
  id,
  group: null,
  shape: 'rectangle' as const,
  label: id,
  type,
  config,
})

/** start → shape the event → POST it → POST again → end: two side effects, two checkpoints. */
const wf: Workflow = {
  title: 'two posts',
  description: '',
  groups: [],
  nodes: [
    { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
    step('t', 'transform', { vars: { who: 'event.userId' } }),
    step('p1', 'http-request', {
      method: 'POST',
      url: 'https://api.example.com/p1',
      body: '{"u": vars.who}',
    }),
    step('p2', 'http-request', {
      method: 'POST',
      url: 'https://api.example.com/p2',
      body: '{"u": vars.who}',
    }),
    { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
  ],
  edges: ['s', 't', 'p1', 'p2', 'e'].slice(1).map((target, i, rest) => ({
    id: `e${i}`,
    source: i === 0 ? 's' : rest[i - 1],
    sourceHandle: 'right',
    target,
    targetHandle: 'left',
  })),
}

type Fetch = NonNullable<RunDeps['fetch']>
type RunHost = ReturnType<typeof createRunHost>

/**
 * Runs `event` through a host of the two-posts workflow whose calls go to `call` (given the
 * host, to send it messages meanwhile), acking its checkpoints; what it posted, once the run finished.
 */
async function runOnHost(
  runId: string,
  event: unknown,
  call: (host: RunHost, ...args: Parameters<Fetch>) => ReturnType<Fetch>,
): Promise<FromHost[]> {
  const posted: FromHost[] = []
  let finished: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finished = resolve
  })
  const host: RunHost = createRunHost({
    post: (msg) => {
      posted.push(msg)
      if (msg.t === 'checkpoint' && msg.id !== 0) setImmediate(() => host.handle({ t: 'ack', id: msg.id }))
      if (msg.t === 'finished') finished()
    },
    deps: {
      fetch: Object.assign((...args: Parameters<Fetch>) => call(host, ...args), {
        enforcesTimeout: true as const,
      }),
    },
    now: () => Date.now(),
    marks: null,
  })
  host.handle({
    t: 'start',
    slot: 0,
    modelKey: 'two-posts@1',
    model: wf,
    job: { runId, workflowId: 'w', version: 1, event, dryRun: false, acceptedAt: new Date().toISOString() },
  })
  await done
  return posted
}

/** Runs `event` through a host whose calls answer `answer`; what it posted, once the run finished. */
async function hostRun(event: unknown, answer: string) {
  const posted = await runOnHost('r-host', event, async () => ({
    status: 200,
    headers: {
      forEach: (cb: (v: string, k: string) => void) => cb('application/json', 'content-type'),
    },
    text: async () => answer,
  }))
  const stored = posted.flatMap((m) => ('events' in m && m.events ? [m.events] : []))
  const events = stored.flatMap((t) => {
    const list = JSON.parse(t.data) as TraceEvent[]
    expect(list).toHaveLength(t.count)
    return list
  })
  const checkpoints = posted.flatMap((m) => (m.t === 'checkpoint' ? [m.state] : []))
  return { posted, stored, events, checkpoints }
}

describe('the run host', () => {
  it("posts a run's trace events as stored (no runId), with its checkpoints, which leave whole outputs to them", async () => {
    const event = { type: 'track', userId: 'u-9' }
    const { stored, events, checkpoints } = await hostRun(event, '{"ok":true}')
    expect(events.map((e) => e.type)).toContain('run.finished')
    for (const e of events) expect(e).not.toHaveProperty('runId')
    // The same text as each event written alone (run-store/stored-event.ts).
    for (const t of stored) {
      const list = JSON.parse(t.data) as TraceEvent[]
      expect(t.data).toBe(`[${list.map((e) => storedEventJson({ ...e, runId: 'r-host' })).join(',')}]`)
    }
    expect(checkpoints).toHaveLength(2)
    // The second checkpoint names p1's output rather than holding it: the trace before it has it.
    const second = JSON.parse(checkpoints[1]) as { steps: Record<string, unknown>; traceSteps: string[] }
    expect(second.traceSteps).toEqual(expect.arrayContaining(['t', 'p1']))
    expect(second.steps).toEqual({})
    const outputs = Object.fromEntries(
      events.flatMap((e) => (e.type === 'node.finished' ? [[e.nodeId, e.output]] : [])),
    )
    const restored = restoreState(checkpoints[1], event, undefined, outputs)
    expect(restored.steps.p1).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { ok: true },
    })
  })

  it("a cancel stops the run at its step in flight and aborts that step's request", async () => {
    const calls: string[] = []
    let abortedCalls = 0
    // Answers nothing: the request ends only when the run's signal aborts it.
    const posted = await runOnHost('r-cancel', { userId: 'u-1' }, (host, url, init) => {
      calls.push(url)
      setImmediate(() => host.handle({ t: 'cancel', runId: 'r-cancel' }))
      return new Promise<never>((_, reject) =>
        init.signal?.addEventListener('abort', () => {
          abortedCalls++
          reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }))
        }),
      )
    })
    expect(posted.at(-1)).toMatchObject({ t: 'finished', runId: 'r-cancel', status: 'cancelled' })
    expect(calls).toEqual(['https://api.example.com/p1'])
    expect(abortedCalls).toBe(1)
  })

  it('cuts an oversized answer out of the trace, and keeps that output in the checkpoint instead', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(300_000) })
    const { events, checkpoints } = await hostRun({ type: 'track', userId: 'u-9' }, big)
    const p1 = events.find((e) => e.type === 'node.finished' && e.nodeId === 'p1') as { output: unknown }
    expect(p1.output).toEqual({ $truncated: true, chars: expect.any(Number) })
    const second = JSON.parse(checkpoints[1]) as { steps: Record<string, { body: { blob: string } }> }
    expect(second.steps.p1.body.blob).toHaveLength(300_000)
  })
})
