const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

// Years and months have no fixed length, so ISO durations are limited to weeks and below.
const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i
const SHORT = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i

/** Milliseconds of a wait duration; throws with the accepted forms when it cannot read it. */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') return value
  const text = value.trim()
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text)
  const short = SHORT.exec(text)
  if (short) return Number(short[1]) * UNIT_MS[short[2].toLowerCase()]
  const iso = ISO.exec(text)
  if (iso && text.toUpperCase() !== 'P' && !text.toUpperCase().endsWith('T')) {
    const [, w, d, h, m, s] = iso.map((x) => (x === undefined ? 0 : Number(x)))
    return w * UNIT_MS.w + d * UNIT_MS.d + h * UNIT_MS.h + m * UNIT_MS.m + s * UNIT_MS.s
  }
  throw new Error(
    `duration "${value}" is not understood: use milliseconds, "15m", "2h", "1d" or ISO 8601 like PT2H`,
  )
}
