import { describe, expect, it } from 'vitest'
import { resumeRun, runWorkflow } from '../../run/executor'
import { end, flow, start } from '../../run/fixtures'
import { incomingWaitKeys } from '../../run/wait-keys'

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0)
const cancelled = { type: 'track', event: 'Cancel Requested', userId: 'u-7' }

const retention = (config: Record<string, unknown>) =>
  flow(
    [start('s'), { id: 'w', type: 'wait-for-event', config }, end('kept'), end('lost')],
    ['s -> w', 'w -> kept : received', 'w -> lost : timeout'],
  )
const offer = retention({ filter: 'event = "Offer Accepted"', timeout: '3d' })

describe('wait-for-event', () => {
  it('suspends a live run with the correlation key of its own event and the timeout', async () => {
    const r = await runWorkflow(offer, { event: cancelled, dryRun: false, now: () => T0 })
    expect(r.status).toBe('suspended')
    expect(r.waitingFor).toEqual({ kind: 'event', key: 'u-7', until: T0 + 3 * 86_400_000 })
    expect(r.resumeAt).toBe('2026-01-08T09:00:00.000Z')
    expect(r.events!.at(-1)).toMatchObject({ type: 'run.suspended', nodeId: 'w', for: 'event' })
  })

  it('goes on along "received" with the event that arrived, whenever it arrives', async () => {
    const first = await runWorkflow(offer, { event: cancelled, dryRun: false, now: () => T0 })
    const accepted = { type: 'track', event: 'Offer Accepted', userId: 'u-7' }
    const r = await resumeRun(offer, first.state!, {
      now: () => T0 + 60_000,
      wake: { branch: 'received', output: accepted, reason: 'event' },
    })
    expect(r.status).toBe('succeeded')
    expect(r.steps.w.output).toEqual(accepted)
    expect(r.steps.kept?.status).toBe('succeeded')
    expect(r.steps.lost).toMatchObject({ status: 'skipped' })
    expect(r.events![0]).toMatchObject({ type: 'run.resumed', reason: 'event', branch: 'received' })
  })

  it('takes "timeout" once the time is up, and stays suspended before', async () => {
    const first = await runWorkflow(offer, { event: cancelled, dryRun: false, now: () => T0 })
    const early = await resumeRun(offer, first.state!, { now: () => T0 + 86_400_000 })
    expect(early.status).toBe('suspended')
    const r = await resumeRun(offer, first.state!, { now: () => T0 + 3 * 86_400_000 })
    expect(r.status).toBe('succeeded')
    expect(r.steps.w.output).toMatchObject({ timedOut: true, waitedMs: 3 * 86_400_000 })
    expect(r.steps.lost?.status).toBe('succeeded')
    expect(r.events![0]).toMatchObject({ type: 'run.resumed', reason: 'timeout', branch: 'timeout' })
  })

  it('without a timeout waits until the event comes', async () => {
    const wf = retention({ filter: 'event = "Offer Accepted"' })
    const first = await runWorkflow(wf, { event: cancelled, dryRun: false, now: () => T0 })
    expect(first.resumeAt).toBeUndefined()
    const later = await resumeRun(wf, first.state!, { now: () => T0 + 365 * 86_400_000 })
    expect(later.status).toBe('suspended')
  })

  it('in test runs takes the timeout on the virtual clock, or the branch a mock gives', async () => {
    const timedOut = await runWorkflow(offer, { event: cancelled, now: () => T0 })
    expect(timedOut.status).toBe('succeeded')
    expect(timedOut.steps.lost?.status).toBe('succeeded')
    const received = await runWorkflow(offer, {
      event: cancelled,
      mocks: { w: { event: 'Offer Accepted', userId: 'u-7' } },
    })
    expect(received.steps.kept?.status).toBe('succeeded')
    const noTimeout = await runWorkflow(retention({}), { event: cancelled })
    expect(noTimeout.error).toMatch(/^w: waits for an event with no timeout: mock this step/)
  })

  it('suspends a test run that asks at waits, so the person picks the branch', async () => {
    const first = await runWorkflow(offer, { event: cancelled, askAtWaits: true, now: () => T0 })
    expect(first.status).toBe('suspended')
    const r = await resumeRun(offer, first.state!, {
      wake: { branch: 'timeout', output: { timedOut: true }, reason: 'choice', by: 'ana@example.com' },
    })
    expect(r.steps.lost?.status).toBe('succeeded')
    expect(r.events![0]).toMatchObject({ reason: 'choice', by: 'ana@example.com' })
  })

  it('fails a run whose own event has no correlation key', async () => {
    const r = await runWorkflow(offer, { event: { type: 'track', event: 'x' }, dryRun: false })
    expect(r.error).toMatch(/^w: correlate \(userId\) gives nothing for this run's event/)
  })

  it('gives the key of an incoming event that passes the filter, per step', async () => {
    const keys = (e: unknown) => incomingWaitKeys(offer, ['w', 's', 'gone'], e)
    expect(await keys({ event: 'Offer Accepted', userId: 'u-7' })).toEqual({ w: 'u-7', s: null, gone: null })
    expect(await keys({ event: 'Page Viewed', userId: 'u-7' })).toMatchObject({ w: null })
    expect(await keys({ event: 'Offer Accepted' })).toMatchObject({ w: null })
    const byEmail = retention({ correlate: 'context.traits.email' })
    expect(await incomingWaitKeys(byEmail, ['w'], { context: { traits: { email: 'a@b.co' } } })).toEqual({
      w: 'a@b.co',
    })
    const anyone = retention({ correlate: '' })
    expect(await incomingWaitKeys(anyone, ['w'], { event: 'x' })).toEqual({ w: '*' })
  })
})
