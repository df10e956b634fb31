import { describe, expect, it } from 'vitest'
import {
  canCancelRun,
  canRetryRun,
  describeWait,
  isActiveRun,
  isRunStatus,
  RUN_STATUSES,
  resumeText,
  waitingUntilLabel,
} from './run-status'

describe('run statuses', () => {
  it('are the six the server reports, and "interrupted" is not one of them', () => {
    expect(RUN_STATUSES).toEqual(['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'])
    expect(isRunStatus('interrupted')).toBe(false)
    expect(isRunStatus('waiting')).toBe(true)
  })

  it('offer Cancel only while a run is unfinished and Retry only after it failed or was cancelled', () => {
    const cancellable = RUN_STATUSES.filter(canCancelRun)
    const retryable = RUN_STATUSES.filter(canRetryRun)
    expect(cancellable).toEqual(['queued', 'running', 'waiting'])
    expect(retryable).toEqual(['failed', 'cancelled'])
    expect(RUN_STATUSES.filter((s) => canCancelRun(s) && canRetryRun(s))).toEqual([])
    expect(isActiveRun('succeeded')).toBe(false)
  })
})

describe('waitingUntilLabel', () => {
  const now = new Date(2031, 5, 3, 9, 30)

  it('says only the time for a wait ending today', () => {
    const until = new Date(2031, 5, 3, 14, 5)
    const time = until.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    expect(waitingUntilLabel(until.toISOString(), now)).toBe(`until ${time}`)
  })

  it('adds the date for a wait ending on another day, and the year for another year', () => {
    const tomorrow = waitingUntilLabel(new Date(2031, 5, 4, 8, 0).toISOString(), now)
    expect(tomorrow).toMatch(/^until .+, .+/)
    expect(tomorrow).not.toContain('2031')
    expect(waitingUntilLabel(new Date(2032, 0, 2, 8, 0).toISOString(), now)).toContain('2032')
  })

  it('is empty without a usable time', () => {
    expect(waitingUntilLabel(null, now)).toBe('')
    expect(waitingUntilLabel('not a date', now)).toBe('')
  })
})

describe('describeWait', () => {
  const now = new Date(2031, 5, 3, 9, 30)
  const today = new Date(2031, 5, 3, 14, 5)
  const time = today.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })

  it('says a plain wait continues at a time', () => {
    expect(describeWait({ kind: 'time', until: today.toISOString() }, now)).toBe(`Waiting until ${time}`)
  })

  it('says an event wait needs an event from the same user by default, and until when', () => {
    expect(describeWait({ kind: 'event', until: today.toISOString() }, now)).toBe(
      `Waiting for an event (same user) until ${time}`,
    )
    expect(describeWait({ kind: 'event', correlate: '' }, now)).toBe('Waiting for an event (from anyone)')
    expect(describeWait({ kind: 'event', correlate: 'context.traits.email' }, now)).toBe(
      'Waiting for an event (same context.traits.email)',
    )
  })

  it('names who decides an approval, shortening long lists', () => {
    expect(
      describeWait(
        { kind: 'approval', assignees: ['editor', 'ana@example.com'], until: today.toISOString() },
        now,
      ),
    ).toBe(`Waiting for approval by editor, ana@example.com until ${time}`)
    expect(describeWait({ kind: 'approval', assignees: ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'] }, now)).toBe(
      'Waiting for approval by a@x.io, b@x.io, c@x.io +1',
    )
  })
})

describe('resumeText', () => {
  it('says what ended a wait and who decided', () => {
    expect(resumeText({ reason: 'approval', branch: 'approved', by: 'ana@example.com' })).toBe(
      'Approved by ana@example.com',
    )
    expect(resumeText({ reason: 'approval', branch: 'rejected', by: 'ana@example.com' })).toBe(
      'Rejected by ana@example.com',
    )
    expect(resumeText({ reason: 'choice', branch: 'timeout', by: 'bo@example.com' })).toBe(
      'Picked “timeout” by bo@example.com (test run)',
    )
    expect(resumeText({ reason: 'event', branch: 'received' })).toBe('Event received')
    expect(resumeText({ reason: 'timeout', branch: 'timeout' })).toBe('Timed out: nothing came in time')
    expect(resumeText({ reason: 'wait' })).toBe('Resumed after the wait')
  })
})
