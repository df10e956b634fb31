import { readFileSync } from 'node:fs'
import { jStat } from 'jstat'
import { describe, expect, it } from 'vitest'
import { parse } from '../../dsl/parser'
import type { Workflow } from '../../model/schema'
import { runWorkflow } from '../../run/executor'
import { flow } from '../../run/fixtures'
import { runTestCases } from '../../run/test-cases'
import { validate } from '../../validate/validate'
import { twoProportionTest } from './execute'
import { twoSidedP } from './normal'

const example = parse(readFileSync(new URL('./significance.flow', import.meta.url), 'utf8'))
  .workflow as Workflow

/** The same test computed with jStat's normal distribution, independently of ours. */
function reference(ca: number, na: number, cb: number, nb: number) {
  const p = (ca + cb) / (na + nb)
  const z = (cb / nb - ca / na) / Math.sqrt(p * (1 - p) * (1 / na + 1 / nb))
  return { z, pValue: 2 * (1 - jStat.normal.cdf(Math.abs(z), 0, 1)) }
}

describe('significance', () => {
  it('the .flow example validates cleanly and its test cases pass', async () => {
    expect(validate(example).filter((i) => i.severity === 'error')).toEqual([])
    const results = await runTestCases(example)
    expect(results.map((r) => [r.name, r.passed, r.failures])).toEqual([
      ['B converts better: roll it out', true, []],
      ['too close to call: keep testing', true, []],
    ])
  })

  it('matches jStat on z and p-value across many tables', () => {
    const cases: [number, number, number, number][] = [
      [200, 2000, 260, 2000],
      [100, 1000, 108, 1000],
      [50, 400, 30, 420],
      [1, 10, 9, 10],
      [5000, 100_000, 5200, 100_000],
      [12, 3000, 25, 2900],
      [480, 500, 470, 500],
    ]
    for (const [ca, na, cb, nb] of cases) {
      const ours = twoProportionTest(
        { conversions: ca, exposures: na },
        { conversions: cb, exposures: nb },
        0.05,
      )
      const ref = reference(ca, na, cb, nb)
      expect(ours.z).toBeCloseTo(ref.z, 12)
      expect(Math.abs(ours.pValue - ref.pValue)).toBeLessThan(1e-12)
      expect(ours.significant).toBe(ref.pValue < 0.05)
    }
  })

  it('keeps small p-values accurate in the tail, where 1 − cdf loses every digit', () => {
    for (const z of [0, 0.5, 1.96, 2.5758, 3, 4, 5]) {
      expect(Math.abs(twoSidedP(z) - 2 * (1 - jStat.normal.cdf(z, 0, 1)))).toBeLessThan(1e-12)
    }
    // P(|Z| ≥ 8) = 1.2442e-15 (tabulated); 2·(1 − Φ(8)) would be 0 or noise.
    expect(twoSidedP(8) / 1.2442e-15).toBeCloseTo(1, 3)
    expect(twoSidedP(-1.96)).toBeCloseTo(0.05, 4)
  })

  it('reports rates, lift and the winner, and no winner when nothing is significant', () => {
    const r = twoProportionTest(
      { conversions: 200, exposures: 2000 },
      { conversions: 260, exposures: 2000 },
      0.05,
    )
    expect(r).toMatchObject({ rateA: 0.1, rateB: 0.13, significant: true, winner: 'b' })
    expect(r.lift).toBeCloseTo(0.3, 12)
    const worse = twoProportionTest(
      { conversions: 260, exposures: 2000 },
      { conversions: 200, exposures: 2000 },
      0.05,
    )
    expect(worse.winner).toBe('a')
    const strict = twoProportionTest(
      { conversions: 200, exposures: 2000 },
      { conversions: 240, exposures: 2000 },
      0.01,
    )
    expect(strict).toMatchObject({ significant: false, winner: null })
    const flat = twoProportionTest({ conversions: 0, exposures: 50 }, { conversions: 0, exposures: 60 }, 0.05)
    expect(flat).toMatchObject({ z: 0, pValue: 1, lift: null, winner: null })
  })

  it('fails the step with the field at fault for counts that make no sense', async () => {
    const wf = (a: [string, string]) =>
      flow(
        [
          { id: 's', type: 'start' },
          {
            id: 'sig',
            type: 'significance',
            config: { a: { conversions: a[0], exposures: a[1] }, b: { conversions: '1', exposures: '10' } },
          },
        ],
        ['s -> sig'],
      )
    const run = async (a: [string, string]) => (await runWorkflow(wf(a), { event: {} })).error
    expect(await run(['5', '0'])).toMatch(/a\.exposures is 0/)
    expect(await run(['11', '10'])).toMatch(/more than everyone/)
    expect(await run(['"x"', '10'])).toMatch(/a\.conversions: expected a count/)
    expect(await run(['event.missing', '10'])).toMatch(/a\.conversions: expected a count/)
  })
})
