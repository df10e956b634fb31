import { describe, expect, it } from 'vitest'
import { parseDuration } from '../../../../packages/engine/src/nodes/wait/duration'
import { describeDuration, formatDuration, parseDurationParts } from './duration'

describe('duration input', () => {
  it('reads the forms the wait step accepts as number + unit', () => {
    expect(parseDurationParts('1d')).toEqual({ amount: 1, unit: 'd' })
    expect(parseDurationParts('90s')).toEqual({ amount: 90, unit: 's' })
    expect(parseDurationParts('PT1H')).toEqual({ amount: 1, unit: 'h' })
    expect(parseDurationParts('P1DT12H')).toEqual({ amount: 36, unit: 'h' })
    expect(parseDurationParts(120_000)).toEqual({ amount: 2, unit: 'm' })
    expect(parseDurationParts('2w')).toEqual({ amount: 14, unit: 'd' })
    expect(parseDurationParts('event.until')).toBeNull()
  })

  it('writes text the engine parses to the same length of time', () => {
    for (const parts of [
      { amount: 3, unit: 'd' },
      { amount: 15, unit: 'm' },
      { amount: 1.5, unit: 'h' },
    ] as const) {
      const text = formatDuration(parts)
      expect(parseDurationParts(text)).toEqual(parts)
      expect(parseDuration(text)).toBeGreaterThan(0)
    }
    expect(formatDuration({ amount: 3, unit: 'd' })).toBe('3d')
    expect(describeDuration({ amount: 1, unit: 'd' })).toBe('1 day')
  })
})
