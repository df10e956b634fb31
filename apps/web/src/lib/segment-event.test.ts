import { describe, expect, it } from 'vitest'
import { eventSummary } from './segment-event'

describe('eventSummary', () => {
  it('names the call, the track event or page, and the user', () => {
    expect(eventSummary({ type: 'track', event: 'Cancel Requested', userId: 'u-7' })).toBe(
      'track “Cancel Requested” · user u-7',
    )
    expect(eventSummary({ type: 'page', name: 'Pricing', anonymousId: 'a-1' })).toBe(
      'page “Pricing” · user a-1',
    )
    expect(eventSummary({ type: 'identify' })).toBe('identify')
  })

  it('says nothing about what is not an event object', () => {
    expect(eventSummary(null)).toBe('')
    expect(eventSummary([1])).toBe('')
    expect(eventSummary('x')).toBe('')
  })
})
