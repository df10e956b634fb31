import { describe, expect, it } from 'vitest'
import { acceptsEvent } from '../../run/accepts-event'
import { runWorkflow } from '../../run/executor'
import { end, flow, pass, start } from '../../run/fixtures'
import { validate } from '../../validate/validate'
import { nextTimes, scheduleProblem } from './cron'
import { scheduleTriggers } from './triggers'

const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString())
const schedule = (id: string, cron: string, timezone?: string) => ({
  id,
  type: 'schedule',
  shape: 'circle' as const,
  config: timezone === undefined ? { cron } : { cron, timezone },
})
const errorsOn = (nodeId: string, cron: string, timezone?: string) =>
  validate(flow([schedule(nodeId, cron, timezone), end('e')], [`${nodeId} -> e`]))
    .filter((i) => i.severity === 'error')
    .map((i) => [i.nodeId, i.message])

describe('schedule trigger: validation', () => {
  it('accepts 5-field crons in an IANA zone, UTC by default', () => {
    expect(errorsOn('s', '*/1 * * * *')).toEqual([])
    expect(errorsOn('s', '0 9 * * 1-5', 'Europe/Paris')).toEqual([])
    expect(errorsOn('s', '0 0 29 2 *', 'America/New_York')).toEqual([])
  })

  it('reports a bad cron as an error on the node, saying what is wrong', () => {
    const [six] = errorsOn('s', '0 0 9 * * *')
    expect(six[0]).toBe('s')
    expect(six[1]).toMatch(/config\.cron: a cron expression has 5 fields .*"0 0 9 \* \* \*" has 6/)
    expect(errorsOn('s', '61 * * * *')[0][1]).toMatch(
      /"61 \* \* \* \*" is not a valid cron expression: .*minute/,
    )
    expect(errorsOn('s', 'every day')[0][1]).toMatch(/has 2/)
    expect(errorsOn('s', '0 0 30 2 *')[0][1]).toMatch(/never matches a date/)
  })

  it('reports an unknown time zone on the node', () => {
    const issues = errorsOn('s', '0 9 * * *', 'Europe/Atlantis')
    expect(issues).toEqual([
      ['s', expect.stringMatching(/config\.timezone: "Europe\/Atlantis" is not an IANA time zone/)],
    ])
    expect(scheduleProblem('0 9 * * *', '+02:00')).toMatch(/not an IANA time zone/)
  })

  it('is a trigger beside a Segment start: no "several starts" error, but two event starts still are', () => {
    const both = flow([start('s'), schedule('t', '0 9 * * *'), end('e')], ['s -> e', 't -> e'])
    expect(validate(both).filter((i) => i.severity === 'error')).toEqual([])
    const two = flow(
      [start('s'), start('s2'), schedule('t', '0 9 * * *'), end('e')],
      ['s -> e', 's2 -> e', 't -> e'],
    )
    expect(validate(two).map((i) => `${i.code} ${i.nodeId}`)).toContain('start-multiple s2')
    const onlySchedule = flow([schedule('t', '0 9 * * *'), end('e')], ['t -> e'])
    expect(validate(onlySchedule)).toEqual([])
  })
})

describe('schedule trigger: next times', () => {
  it('follows the zone across the spring DST change (Europe/Paris, 29 March 2026)', () => {
    // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(iso(nextTimes('0 9 * * *', 'Europe/Paris', Date.parse('2026-03-27T12:00:00Z'), 3))).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ])
    // 02:30 does not exist on the 29th: that run is at the first minute after the gap (03:00 CEST).
    expect(iso(nextTimes('30 2 * * *', 'Europe/Paris', Date.parse('2026-03-28T12:00:00Z'), 2))).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ])
  })

  it('runs a repeated hour once when clocks go back (America/New_York, 1 November 2026)', () => {
    expect(iso(nextTimes('30 1 * * *', 'America/New_York', Date.parse('2026-10-31T12:00:00Z'), 3))).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
      '2026-11-03T06:30:00.000Z',
    ])
  })

  it('is strictly after the given time, every minute for */1', () => {
    const at = Date.parse('2026-05-01T10:00:00Z')
    expect(iso(nextTimes('*/1 * * * *', 'UTC', at, 2))).toEqual([
      '2026-05-01T10:01:00.000Z',
      '2026-05-01T10:02:00.000Z',
    ])
  })
})

describe('schedule trigger: runs', () => {
  // A Segment start and a schedule both lead to a shared step.
  const both = flow(
    [start('s'), schedule('t', '0 9 * * *', 'Europe/Paris'), pass('p'), end('e')],
    ['s -> p', 't -> p', 'p -> e'],
  )
  const fired = { type: 'schedule', timestamp: '2026-03-30T07:00:00.000Z' }

  it('a run started at the schedule outputs the occurrence and skips the other trigger', async () => {
    const run = await runWorkflow(both, { event: fired, startAt: 't' })
    expect(run.status).toBe('succeeded')
    expect(run.steps.t).toMatchObject({ status: 'succeeded', output: fired })
    expect(run.steps.s.status).toBe('skipped')
    expect(run.steps.p).toMatchObject({ status: 'succeeded', visits: 1 })
    expect(run.steps.e.status).toBe('succeeded')
    const skipped = run.events?.filter((e) => e.type === 'edge.skipped').map((e) => e.edgeId)
    expect(skipped).toEqual(['e1'])
  })

  it('an event starts at the Segment start only', async () => {
    const run = await runWorkflow(both, { event: { type: 'track', event: 'Signed Up' } })
    expect(run.status).toBe('succeeded')
    expect(run.steps.s.status).toBe('succeeded')
    expect(run.steps.t.status).toBe('skipped')
    expect(run.steps.p.status).toBe('succeeded')
  })

  it('a test run of a workflow with only a schedule starts there, stamped with the run clock', async () => {
    const only = flow([schedule('t', '*/5 * * * *'), end('e')], ['t -> e'])
    const now = Date.parse('2026-06-01T12:00:00Z')
    const run = await runWorkflow(only, { event: { type: 'track' }, now: () => now })
    expect(run.status).toBe('succeeded')
    expect(run.steps.t.output).toEqual({ type: 'schedule', timestamp: '2026-06-01T12:00:00.000Z' })
  })

  it('fails clearly when startAt names no trigger', async () => {
    const run = await runWorkflow(both, { event: fired, startAt: 'p' })
    expect(run).toMatchObject({ status: 'failed', error: 'the run starts at "p", which is not a trigger' })
    const missing = await runWorkflow(both, { event: fired, startAt: 'nope' })
    expect(missing.error).toMatch(/no such node/)
  })

  it("a schedule beside a filtered start does not let every event in: the start's filter decides", async () => {
    const filtered = flow(
      [
        { id: 's', type: 'start', config: { filter: "event.type = 'track'" } },
        schedule('t', '0 9 * * *'),
        end('e'),
      ],
      ['s -> e', 't -> e'],
    )
    expect(await acceptsEvent(filtered, { type: 'page' })).toBe(false)
    expect(await acceptsEvent(filtered, { type: 'track' })).toBe(true)
  })

  it('lists the schedules a published version registers, normalized', () => {
    const wf = flow(
      [start('s'), schedule('t', ' 0  9 * * 1-5 ', 'Europe/Paris'), schedule('u', '*/1 * * * *'), end('e')],
      ['s -> e', 't -> e', 'u -> e'],
    )
    expect(scheduleTriggers(wf)).toEqual([
      { nodeId: 't', cron: '0 9 * * 1-5', timezone: 'Europe/Paris' },
      { nodeId: 'u', cron: '*/1 * * * *', timezone: 'UTC' },
    ])
  })
})
