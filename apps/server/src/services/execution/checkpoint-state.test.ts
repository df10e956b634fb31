import { type RunState, resumeRun, runWorkflow, type Workflow } from '@flowline/engine'
import { describe, expect, it } from 'vitest'
import { needsTraceOutputs, restoreState, serializeState } from './run-host'

const wf: Workflow = {
  title: 'two calls',
  description: '',
  groups: [],
  nodes: [
    { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
    {
      id: 't',
      group: null,
      shape: 'rectangle',
      label: 'Shape',
      type: 'transform',
      config: { vars: { who: 'event.userId' } },
    },
    {
      id: 'p',
      group: null,
      shape: 'rectangle',
      label: 'Post',
      type: 'http-request',
      config: { method: 'POST', url: 'https://api.example.com/p', body: '{"u": vars.who}' },
    },
    { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 's', sourceHandle: 'right', target: 't', targetHandle: 'left' },
    { id: 'e2', source: 't', sourceHandle: 'right', target: 'p', targetHandle: 'left' },
    { id: 'e3', source: 'p', sourceHandle: 'right', target: 'e', targetHandle: 'left' },
  ],
}
const event = { type: 'track', userId: 'u-9', properties: { big: 'x'.repeat(10_000) } }

/** The state the run host stores before the run's first side effect, as `serialize` writes it. */
async function firstCheckpoint<T>(runId: string, serialize: (s: RunState) => T): Promise<T> {
  let stored: T | undefined
  void runWorkflow(wf, {
    event,
    runId,
    dryRun: false,
    fetch: () => new Promise(() => {}),
    checkpoint: (s, must) => {
      if (must) stored = serialize(s)
      return new Promise(() => {})
    },
  })
  await new Promise((r) => setTimeout(r, 10))
  return stored!
}

/** Resumes a restored state: the one call it makes, and how the run ends. */
async function resumeFrom(state: RunState) {
  const calls: string[] = []
  const r = await resumeRun(wf, state, {
    fetch: async (_url, init) => {
      calls.push(String(init.body))
      return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } })
    },
  })
  return { r, calls }
}

describe('checkpoints as stored by the run host', () => {
  it('leave out the event and duplicated outputs, and resume to the same result', async () => {
    const stored = await firstCheckpoint('r-1', (s) => serializeState(s))
    expect(stored.length).toBeLessThan(2_000)
    expect(stored).not.toContain('xxxxxxxxxx')
    const { r, calls } = await resumeFrom(restoreState(stored, event))
    expect(r.status).toBe('succeeded')
    expect(calls).toEqual(['{"u":"u-9"}'])
    expect(r.steps.t).toMatchObject({ status: 'succeeded', output: { who: 'u-9' } })
  })

  it('leave outputs the trace holds to the trace, and resume only with them', async () => {
    const { stored, full } = await firstCheckpoint('r-2', (s) => ({
      stored: serializeState(s, undefined, new Map([['t', true]])),
      full: serializeState(s),
    }))
    expect(JSON.parse(stored).steps).not.toHaveProperty('t')
    expect(JSON.parse(full).steps).toHaveProperty('t')
    expect(needsTraceOutputs(stored)).toBe(true)
    expect(needsTraceOutputs(full)).toBe(false)
    expect(() => restoreState(stored, event)).toThrow(/trace lacks the output of step t/)
    const { r, calls } = await resumeFrom(restoreState(stored, event, undefined, { t: { who: 'u-9' } }))
    expect(r.status).toBe('succeeded')
    expect(calls).toEqual(['{"u":"u-9"}'])
    expect(r.steps.t).toMatchObject({ status: 'succeeded', output: { who: 'u-9' } })
  })
})
