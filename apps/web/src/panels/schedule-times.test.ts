import { describe, expect, it } from 'vitest'
import { describeSchedule } from './schedule-times'

const NOW = Date.parse('2026-03-27T12:00:00Z')

describe('schedule next runs in the inspector', () => {
  it('lists the next 3 times in the chosen zone, across its DST change', () => {
    const view = describeSchedule({ cron: '0 9 * * *', timezone: 'Europe/Paris' }, NOW, 'en-GB')
    expect(view.ok).toBe(true)
    if (!view.ok) return
    expect(view.timezone).toBe('Europe/Paris')
    expect(view.times.map((t) => t.iso)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ])
    // Written in Paris time: 09:00 each day, the zone's abbreviation changing with DST.
    expect(view.times.every((t) => t.text.includes('09:00'))).toBe(true)
    expect(view.times[0].text).toMatch(/Sat, 28 Mar 2026.*(CET|GMT\+1)/)
    expect(view.times[1].text).toMatch(/(CEST|GMT\+2)/)
  })

  it('uses UTC without a zone', () => {
    const view = describeSchedule({ cron: '*/15 * * * *' }, NOW, 'en-GB')
    expect(view).toMatchObject({ ok: true, timezone: 'UTC' })
    if (view.ok) expect(view.times.map((t) => t.iso)[0]).toBe('2026-03-27T12:15:00.000Z')
  })

  it('shows the validation message for an invalid cron or zone', () => {
    expect(describeSchedule({ cron: '0 9 * *' }, NOW)).toEqual({
      ok: false,
      problem: expect.stringMatching(/a cron expression has 5 fields .* has 4/),
    })
    expect(describeSchedule({ cron: '0 25 * * *' }, NOW)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/hour/),
    })
    expect(describeSchedule({ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, NOW)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not an IANA time zone/),
    })
    expect(describeSchedule({}, NOW)).toEqual({ ok: false, problem: 'Enter a cron expression' })
  })
})
