import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration'

describe('parseDuration', () => {
  it('reads milliseconds, short units and ISO 8601 durations', () => {
    expect(parseDuration(1500)).toBe(1500)
    expect(parseDuration('250')).toBe(250)
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('15m')).toBe(900_000)
    expect(parseDuration('2h')).toBe(7_200_000)
    expect(parseDuration('1d')).toBe(86_400_000)
    expect(parseDuration('PT2H30M')).toBe(9_000_000)
    expect(parseDuration('P1DT12H')).toBe(129_600_000)
    expect(parseDuration('P2W')).toBe(1_209_600_000)
    expect(parseDuration('PT0.5S')).toBe(500)
  })

  it('refuses what has no fixed length or no meaning', () => {
    for (const bad of ['P1M', 'P1Y', 'P', 'PT', 'soon', '-5m'])
      expect(() => parseDuration(bad), bad).toThrow(/not understood/)
  })
})
