import { describe, expect, it } from 'vitest'
import { resumeRun, runWorkflow } from './executor'
import { end, flow, start, transform } from './fixtures'
import type { RunState } from './types'

const T0 = Date.UTC(2025, 2, 14, 9, 0, 0)
const event = { type: 'track', userId: 'u-1', properties: { sendAt: '2025-03-15T08:00:00.000Z' } }

const waiting = (config: unknown) =>
  flow(
    [
      start('s'),
      transform('before', { a: '"set before"' }),
      { id: 'w', type: 'wait', config },
      transform('after', { b: 'vars.a & " and after"' }),
      end('e'),
    ],
    ['s -> before', 'before -> w', 'w -> after', 'after -> e'],
  )

describe('waits in test runs', () => {
  it('last their whole duration even when the clock ticks while the step runs', async () => {
    // Every read of the clock is a millisecond later, as on a busy machine.
    let t = T0
    const r = await runWorkflow(waiting({ duration: '14d' }), { event, now: () => t++ })
    expect(r.steps.w.output).toMatchObject({ waitedMs: 14 * 86_400_000 })
  })

  it('skip the wait on a virtual clock and trace it as skipped', async () => {
    const started = performance.now()
    const r = await runWorkflow(waiting({ duration: 'PT2H' }), { event, now: () => T0 })
    expect(r.status).toBe('succeeded')
    expect(performance.now() - started).toBeLessThan(1000)
    expect(r.steps.w).toMatchObject({ status: 'succeeded', skippedWait: true })
    expect(r.steps.w.output).toEqual({ waitedMs: 7_200_000, until: '2025-03-14T11:00:00.000Z' })
    const finished = r.events!.find((e) => e.type === 'node.finished' && e.nodeId === 'w')
    expect(finished).toMatchObject({ skippedWait: true })
    // Everything after the wait happens two hours later on the run's clock.
    const after = r.events!.find((e) => e.type === 'node.started' && e.nodeId === 'after')
    expect(after?.at).toBe('2025-03-14T11:00:00.000Z')
    expect(r.vars.b).toBe('set before and after')
  })

  it('waits until a time computed from the event', async () => {
    const r = await runWorkflow(waiting({ until: 'event.properties.sendAt' }), { event, now: () => T0 })
    expect(r.steps.w.output).toEqual({ waitedMs: 23 * 3_600_000, until: '2025-03-15T08:00:00.000Z' })
  })

  it('does not wait for a time already past', async () => {
    const r = await runWorkflow(waiting({ until: '"2020-01-01T00:00:00Z"' }), { event, now: () => T0 })
    expect(r.status).toBe('succeeded')
    expect(r.steps.w.skippedWait).toBeUndefined()
    expect(r.steps.w.output).toMatchObject({ waitedMs: 0 })
  })

  it('reports an unreadable duration when the wait is reached', async () => {
    const r = await runWorkflow(waiting({ duration: 'a fortnight' }), { event })
    expect(r.error).toMatch(/^w: duration "a fortnight" is not understood/)
  })
})

describe('suspend and resume (live runs)', () => {
  it('suspends at a wait with plain JSON state and resumes to the end', async () => {
    let now = T0
    const wf = waiting({ duration: '15m' })
    const first = await runWorkflow(wf, { event, dryRun: false, now: () => now, runId: 'live-1' })
    expect(first.status).toBe('suspended')
    expect(first.resumeAt).toBe('2025-03-14T09:15:00.000Z')
    expect(first.steps.w.status).toBe('waiting')
    expect(first.steps.after).toBeUndefined()
    expect(first.events!.at(-1)).toMatchObject({
      type: 'run.suspended',
      nodeId: 'w',
      until: '2025-03-14T09:15:00.000Z',
    })

    // The state survives a trip through storage (another process may resume it).
    const stored = JSON.parse(JSON.stringify(first.state)) as RunState
    expect(stored).toEqual(first.state)

    now = T0 + 5 * 60_000
    const early = await resumeRun(wf, stored, { now: () => now })
    expect(early.status).toBe('suspended')
    expect(early.events).toEqual([])

    now = T0 + 16 * 60_000
    const done = await resumeRun(wf, stored, { now: () => now })
    expect(done.status).toBe('succeeded')
    expect(done.runId).toBe('live-1')
    expect(done.steps.w).toMatchObject({
      status: 'succeeded',
      output: { waitedMs: 16 * 60_000, until: '2025-03-14T09:15:00.000Z' },
    })
    expect(done.vars).toEqual({ a: 'set before', b: 'set before and after' })
    expect(done.steps.before.visits).toBe(1)
    expect(done.events!.map((e) => e.type)).toEqual([
      'run.resumed',
      'node.finished',
      'edge.taken',
      'node.started',
      'node.finished',
      'edge.taken',
      'node.started',
      'node.finished',
      'run.finished',
    ])
    // The stored state is not changed by resuming it.
    expect(stored.status).toBe('suspended')
  })

  it('refuses to resume on a different workflow or a finished run', async () => {
    const wf = waiting({ duration: '1h' })
    const r = await runWorkflow(wf, { event, dryRun: false, now: () => T0 })
    const other = waiting({ duration: '1h' })
    other.nodes.push({ id: 'extra', group: null, shape: 'rectangle', label: 'x' })
    await expect(resumeRun(other, r.state!, { now: () => T0 + 7_200_000 })).rejects.toThrow(
      /different version/,
    )
    const finished = await runWorkflow(wf, { event, now: () => T0 })
    expect(finished.state).toBeUndefined()
    await expect(resumeRun(wf, { ...r.state!, status: 'succeeded' })).rejects.toThrow(/not suspended/)
  })

  it('keeps loops and joins consistent across a suspension', async () => {
    // s → i=0 → body(i+1) → wait → check: again → body, done → e
    const wf = flow(
      [
        start('s'),
        transform('init', { i: '0' }),
        transform('body', { i: 'vars.i + 1' }),
        { id: 'w', type: 'wait', config: { duration: 1000 } },
        { id: 'check', type: 'decision', config: { subject: 'vars.i < 3 ? "again" : "done"' } },
        end('e'),
      ],
      ['s -> init', 'init -> body', 'body -> w', 'w -> check', 'check -> body : again', 'check -> e : done'],
    )
    let now = T0
    let r = await runWorkflow(wf, { event, dryRun: false, now: () => now })
    let rounds = 0
    while (r.status === 'suspended') {
      now += 1000
      r = await resumeRun(wf, JSON.parse(JSON.stringify(r.state)), { now: () => now })
      rounds++
    }
    expect(r.status).toBe('succeeded')
    expect(rounds).toBe(3)
    expect(r.vars.i).toBe(3)
    expect(r.steps.e.visits).toBe(1)
  })
})
