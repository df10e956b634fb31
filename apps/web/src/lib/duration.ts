/**
 * The duration input's number + unit, and the text it writes: the wait node's short form
 * ("90s", "15m", "2h", "3d" — see packages/engine/src/nodes/wait/duration.ts).
 */
export type DurationUnit = 's' | 'm' | 'h' | 'd'

export const DURATION_UNITS: { value: DurationUnit; label: string; ms: number }[] = [
  { value: 's', label: 'seconds', ms: 1000 },
  { value: 'm', label: 'minutes', ms: 60_000 },
  { value: 'h', label: 'hours', ms: 3_600_000 },
  { value: 'd', label: 'days', ms: 86_400_000 },
]

export interface DurationParts {
  amount: number
  unit: DurationUnit
}

const SHORT = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i

function fromMs(ms: number): DurationParts {
  // The largest unit that gives a whole number reads best: 2 days, not 48 hours.
  for (const u of [...DURATION_UNITS].reverse())
    if (ms >= u.ms && ms % u.ms === 0) return { amount: ms / u.ms, unit: u.value }
  return { amount: ms / 1000, unit: 's' }
}

/**
 * A stored duration as number + unit, or null when the input cannot show it exactly
 * (an expression, a mix like P1DT12H that is not whole in any unit).
 */
export function parseDurationParts(value: unknown): DurationParts | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return fromMs(value)
  if (typeof value !== 'string') return null
  const text = value.trim()
  if (/^\d+$/.test(text)) return fromMs(Number(text))
  const short = SHORT.exec(text)
  if (short) {
    const amount = Number(short[1])
    const unit = short[2].toLowerCase()
    if (unit === 'w') return { amount: amount * 7, unit: 'd' }
    if (unit === 'ms') return Number.isInteger(amount) ? fromMs(amount) : null
    return { amount, unit: unit as DurationUnit }
  }
  const iso = ISO.exec(text)
  if (iso && !/^P$|T$/i.test(text)) {
    const [, w, d, h, m, s] = iso.map((x) => (x === undefined ? 0 : Number(x)))
    return fromMs((((w * 7 + d) * 24 + h) * 60 + m) * 60_000 + s * 1000)
  }
  return null
}

/** The text the engine reads: `3d`, `90s`. */
export const formatDuration = (parts: DurationParts) => `${parts.amount}${parts.unit}`

/** "3 days", "1 hour": what the read-only view and summaries say. */
export function describeDuration(parts: DurationParts): string {
  const label = DURATION_UNITS.find((u) => u.value === parts.unit)?.label ?? parts.unit
  return `${parts.amount} ${parts.amount === 1 ? label.slice(0, -1) : label}`
}
