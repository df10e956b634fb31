import { describe, expect, it } from 'vitest'
import { runWorkflow } from './executor'
import { decide, end, flow, pass, start, transform } from './fixtures'
import { getPlan } from './plan'
import type { TraceEvent } from './trace'
import type { RunResult } from './types'

const event = { type: 'track', event: 'Order Completed', userId: 'u-1', properties: { total: 42 } }

const ran = (r: RunResult) =>
  Object.entries(r.steps)
    .filter(([, s]) => s.status === 'succeeded')
    .map(([id]) => id)
const skipped = (r: RunResult) =>
  Object.entries(r.steps)
    .filter(([, s]) => s.status === 'skipped')
    .map(([id]) => id)
const types = (events: TraceEvent[] | undefined) =>
  (events ?? []).map((e) => `${e.type} ${'nodeId' in e ? e.nodeId : 'edgeId' in e ? e.edgeId : ''}`.trim())

describe('runWorkflow', () => {
  it('emits the trace in order as it happens, with runId, at and ids', async () => {
    const wf = flow([start('s'), pass('a'), end('e')], ['s -> a', 'a -> e'])
    const seen: TraceEvent[] = []
    const r = await runWorkflow(wf, {
      event,
      runId: 'r1',
      onEvent: (e) => seen.push(e),
      now: () => Date.UTC(2025, 0, 1),
    })
    expect(r.status).toBe('succeeded')
    expect(types(seen)).toEqual([
      'run.started',
      'node.started s',
      'node.finished s',
      'edge.taken e1',
      'node.started a',
      'node.finished a',
      'edge.taken e2',
      'node.started e',
      'node.finished e',
      'run.finished',
    ])
    expect(seen.every((e) => e.runId === 'r1' && e.at === '2025-01-01T00:00:00.000Z')).toBe(true)
    expect(r.events).toEqual(seen)
    // The start's output is the event; a pass-through hands its input on.
    expect(r.steps.s.output).toEqual(event)
    expect(r.steps.a.output).toEqual(event)
    expect(seen.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded' })
  })

  it('fans out from a non-decision and joins parallel branches once', async () => {
    const wf = flow(
      [
        start('s'),
        transform('a', { a: '1' }),
        transform('b', { b: '2' }),
        transform('j', { sum: 'vars.a + vars.b' }),
        end('e'),
      ],
      ['s -> a', 's -> b', 'a -> j', 'b -> j', 'j -> e'],
    )
    const r = await runWorkflow(wf, { event })
    expect(r.status).toBe('succeeded')
    expect(r.steps.j.visits).toBe(1)
    expect(r.vars.sum).toBe(3)
    expect(ran(r)).toEqual(['s', 'a', 'b', 'j', 'e'])
  })

  it('takes exactly one branch and runs the merge once (dead-path elimination)', async () => {
    const wf = flow(
      [start('s'), decide('d', 'event.event'), pass('x'), pass('y'), pass('y2'), pass('m'), end('e')],
      ['s -> d', 'd -> x : Order Completed', 'd -> y : else', 'y -> y2', 'x -> m', 'y2 -> m', 'm -> e'],
    )
    const r = await runWorkflow(wf, { event })
    expect(r.status).toBe('succeeded')
    expect(ran(r)).toEqual(['s', 'd', 'x', 'm', 'e'])
    expect(skipped(r)).toEqual(['y', 'y2'])
    expect(r.steps.m.visits).toBe(1)
    const skips = r.events!.filter((e) => e.type === 'node.skipped')
    expect(skips).toEqual([
      expect.objectContaining({ nodeId: 'y', reason: 'ruled-out' }),
      expect.objectContaining({ nodeId: 'y2', reason: 'ruled-out' }),
    ])
    // The decision's output is its subject; only the taken edge is traced.
    expect(r.steps.d.output).toBe('Order Completed')
    expect(
      r.events!.filter((e) => e.type === 'edge.taken').map((e) => (e as { edgeId: string }).edgeId),
    ).toEqual(['e1', 'e2', 'e5', 'e7'])
  })

  it('joins a parallel branch with a ruled-out one', async () => {
    // s fans out to d and p; d rules out x; j waits for both p and x.
    const wf = flow(
      [start('s'), decide('d', '"no"'), pass('x'), pass('p'), pass('j')],
      ['s -> d', 's -> p', 'd -> x : yes', 'd -> j : no', 'x -> j', 'p -> j'],
    )
    const r = await runWorkflow(wf, { event })
    expect(r.status).toBe('succeeded')
    expect(r.steps.x.status).toBe('skipped')
    expect(r.steps.j).toMatchObject({ status: 'succeeded', visits: 1 })
  })

  it('matches decision labels: first match in edge order, comparisons, else', async () => {
    const wf = (subject: string) =>
      flow(
        [start('s'), decide('d', subject), pass('hi'), pass('mid'), pass('eq'), pass('other')],
        ['s -> d', 'd -> eq : 0.7', 'd -> hi : > 0.7', 'd -> mid : >= 0.5', 'd -> other : else'],
      )
    const branch = async (subject: string) => {
      const r = await runWorkflow(wf(subject), { event, recordEvents: false })
      return ran(r).filter((id) => id !== 's' && id !== 'd')
    }
    expect(await branch('0.9')).toEqual(['hi'])
    expect(await branch('0.7')).toEqual(['eq'])
    expect(await branch('"0.7"')).toEqual(['eq'])
    expect(await branch('0.6')).toEqual(['mid'])
    expect(await branch('0.1')).toEqual(['other'])
    expect(await branch('"abc"')).toEqual(['other'])
  })

  it('fails the run when no branch matches, naming the node and the value', async () => {
    const wf = flow(
      [start('s'), decide('n4', 'event.type'), pass('a'), pass('b')],
      ['s -> n4', 'n4 -> a : page', 'n4 -> b : purchase'],
    )
    const r = await runWorkflow(wf, { event: { type: 'identify' } })
    expect(r.status).toBe('failed')
    expect(r.error).toMatch(/^n4: no branch matches value "identify"/)
    expect(r.steps.n4).toMatchObject({ status: 'failed' })
    expect(r.steps.a).toBeUndefined()
    expect(r.events!.at(-2)).toMatchObject({ type: 'node.failed', nodeId: 'n4' })
    expect(r.events!.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed', error: r.error })
  })

  it('runs nodes without a type by shape: start, decision, pass-through, end', async () => {
    const wf = flow(
      [
        { id: 'n1', shape: 'circle' },
        { id: 'n2', shape: 'rectangle' },
        { id: 'n3', shape: 'diamond', config: { subject: 'event.type' } },
        { id: 'n4', shape: 'rectangle' },
        { id: 'n5', shape: 'circle' },
      ],
      ['n1 -> n2', 'n2 -> n3', 'n3 -> n4 : track', 'n4 -> n5'],
    )
    const r = await runWorkflow(wf, { event })
    expect(r.status).toBe('succeeded')
    expect(ran(r)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5'])
  })

  it('reports a broken node when it is reached, and only then', async () => {
    const wf = flow(
      [start('s'), decide('d', '"ok"'), transform('good', { x: '1' }), transform('bad', { x: 'event.(' })],
      ['s -> d', 'd -> good : ok', 'd -> bad : else'],
    )
    expect((await runWorkflow(wf, { event })).status).toBe('succeeded')
    const wf2 = flow([start('s'), transform('bad', { x: 'event.(' })], ['s -> bad'])
    const r = await runWorkflow(wf2, { event })
    expect(r.status).toBe('failed')
    expect(r.error).toMatch(/^bad: vars\.x: /)
  })

  it('refuses runs it cannot start, with a reason', async () => {
    const noStart = flow([pass('a'), pass('b')], ['a -> b', 'b -> a'])
    expect((await runWorkflow(noStart, { event })).error).toMatch(/no start node/)
    const wf = flow([start('s')], [])
    expect((await runWorkflow(wf, { event: [1, 2] })).error).toMatch(/event must be a JSON object/)
    expect((await runWorkflow(wf, { event, mocks: { nope: 1 } })).error).toMatch(/mock for "nope"/)
    expect(
      (await runWorkflow(flow([start('s'), { id: 'x', type: 'teleport' }], ['s -> x']), { event })).error,
    ).toBe('x: unknown node type "teleport"')
  })

  it('prepares a workflow once and reuses the plan for every run', async () => {
    const wf = flow([start('s'), transform('t', { a: 'event.userId' })], ['s -> t'])
    const plan = getPlan(wf)
    for (let i = 0; i < 3; i++) expect((await runWorkflow(wf, { event })).vars.a).toBe('u-1')
    expect(getPlan(wf)).toBe(plan)
  })

  it('keeps running when a trace subscriber throws', async () => {
    const wf = flow([start('s'), pass('a')], ['s -> a'])
    const r = await runWorkflow(wf, {
      event,
      onEvent: () => {
        throw new Error('socket closed')
      },
    })
    expect(r.status).toBe('succeeded')
  })

  it('evaluates transforms in order, into vars and the step output', async () => {
    const wf = flow(
      [
        start('s'),
        transform('t', { user: '{"id": event.userId}', label: '"user " & vars.user.id' }),
        transform(
          'o',
          { total: 'event.properties.total' },
          '{"double": vars.total * 2, "n": $count([1,2,3])}',
        ),
      ],
      ['s -> t', 't -> o'],
    )
    const r = await runWorkflow(wf, { event })
    expect(r.vars).toEqual({ user: { id: 'u-1' }, label: 'user u-1', total: 42 })
    expect(r.steps.t.output).toEqual({ user: { id: 'u-1' }, label: 'user u-1' })
    expect(r.steps.o.output).toEqual({ double: 84, n: 3 })
  })
})
