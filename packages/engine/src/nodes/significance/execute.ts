import { compileField, evalField, type Field } from '../shared/fields'
import { all, andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import { twoSidedP } from './normal'
import type { SignificanceConfig } from './spec'

export interface SignificanceResult {
  rateA: number
  rateB: number
  /** (rateB − rateA) / rateA; null when rateA is 0. */
  lift: number | null
  z: number
  pValue: number
  significant: boolean
  winner: 'a' | 'b' | null
}

/**
 * Two-sided two-proportion z-test with the pooled proportion (DESIGN §4):
 * z = (rateB − rateA) / √(p(1−p)(1/nA + 1/nB)), p = (cA + cB)/(nA + nB).
 * When nothing varies (p is 0 or 1) there is no evidence either way: z 0, p-value 1.
 */
export function twoProportionTest(
  a: { conversions: number; exposures: number },
  b: { conversions: number; exposures: number },
  alpha: number,
): SignificanceResult {
  const rateA = a.conversions / a.exposures
  const rateB = b.conversions / b.exposures
  const pooled = (a.conversions + b.conversions) / (a.exposures + b.exposures)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.exposures + 1 / b.exposures))
  const z = se > 0 ? (rateB - rateA) / se : 0
  const pValue = se > 0 ? twoSidedP(z) : 1
  const significant = pValue < alpha
  return {
    rateA,
    rateB,
    lift: rateA === 0 ? null : (rateB - rateA) / rateA,
    z,
    pValue,
    significant,
    winner: significant ? (rateB > rateA ? 'b' : 'a') : null,
  }
}

interface PreparedTest {
  fields: Field[]
  alpha: number
}

function count(field: Field, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    throw new Error(
      `${field.name}: expected a count (a number ≥ 0), got ${JSON.stringify(value) ?? 'nothing'}`,
    )
  return n
}

function arm(fields: Field[], values: unknown[], offset: number, name: string) {
  const conversions = count(fields[offset], values[offset])
  const exposures = count(fields[offset + 1], values[offset + 1])
  if (exposures === 0) throw new Error(`${name}.exposures is 0: nobody saw variant ${name.toUpperCase()} yet`)
  if (conversions > exposures)
    throw new Error(`${name}: ${conversions} conversions out of ${exposures} exposures is more than everyone`)
  return { conversions, exposures }
}

export const significanceExecutor: NodeExecutor<SignificanceConfig, PreparedTest> = {
  prepare: (config) => ({
    fields: [
      compileField('a.conversions', config.a.conversions),
      compileField('a.exposures', config.a.exposures),
      compileField('b.conversions', config.b.conversions),
      compileField('b.exposures', config.b.exposures),
    ],
    alpha: config.alpha,
  }),
  execute: (p, ctx) =>
    andThen(all(p.fields.map((f) => evalField(f, ctx.scope))), (values) => ({
      output: twoProportionTest(arm(p.fields, values, 0, 'a'), arm(p.fields, values, 2, 'b'), p.alpha),
    })),
}
