/**
 * The two-sided tail of the standard normal, P(|Z| ≥ |z|) = erfc(|z| / √2), to about 1e-14:
 * a Taylor series of erf near 0 and a continued fraction (modified Lentz) for erfc in the tail,
 * where subtracting from 1 would lose every digit of a small p-value.
 */
export function twoSidedP(z: number): number {
  if (Number.isNaN(z)) return Number.NaN
  return erfc(Math.abs(z) / Math.SQRT2)
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI)

export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x)
  if (x < 2) return 1 - erfSeries(x)
  return erfcFraction(x)
}

function erfSeries(x: number): number {
  // erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
  const x2 = x * x
  let term = x
  let sum = x
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n
    const add = term / (2 * n + 1)
    sum += add
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break
  }
  return TWO_OVER_SQRT_PI * sum
}

function erfcFraction(x: number): number {
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300
  let f = x
  let c = x
  let d = 0
  for (let n = 1; n < 500; n++) {
    const a = n / 2
    d = x + a * d
    d = d === 0 ? tiny : d
    c = x + a / c
    c = c === 0 ? tiny : c
    d = 1 / d
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f
}
