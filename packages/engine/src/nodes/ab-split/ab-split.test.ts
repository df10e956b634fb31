import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from '../../dsl/parser'
import type { Workflow } from '../../model/schema'
import { runWorkflow } from '../../run/executor'
import { flow } from '../../run/fixtures'
import { runTestCases } from '../../run/test-cases'
import { validate } from '../../validate/validate'
import { murmur3 } from '../shared/hash'
import { bucketOf } from './execute'

const example = parse(readFileSync(new URL('./ab-split.flow', import.meta.url), 'utf8')).workflow as Workflow

function split(variants: { label: string; weight: number }[], key = 'event.userId', id = 'ab') {
  return flow(
    [
      { id: 's', type: 'start' },
      { id, type: 'ab-split', shape: 'diamond', config: { variants, key } },
      ...variants.map((v) => ({ id: `to-${v.label}`, type: 'pass-through' })),
    ],
    [`s -> ${id}`, ...variants.map((v) => `${id} -> to-${v.label} : ${v.label}`)],
  )
}

describe('ab-split', () => {
  it('the .flow example validates cleanly and its test cases pass', async () => {
    expect(validate(example).filter((i) => i.severity === 'error')).toEqual([])
    const results = await runTestCases(example)
    expect(results.map((r) => [r.name, r.passed, r.failures])).toEqual([
      ['user-1 is in the control group', true, []],
      ['a pinned variant routes like a real one', true, []],
    ])
  })

  it('murmur3 matches the reference vectors', () => {
    // Reference values of MurmurHash3_x86_32 (seed 0, and seed 0x9747b28c for "Hello, world!").
    expect(murmur3('')).toBe(0)
    expect(murmur3('a')).toBe(0x3c2569b2)
    expect(murmur3('abc')).toBe(0xb3dd93fa)
    expect(murmur3('Hello, world!', 0x9747b28c)).toBe(0x24884cba)
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723)
  })

  it('always sends the same key down the same branch, and takes only that one', async () => {
    const wf = split([
      { label: 'A', weight: 1 },
      { label: 'B', weight: 1 },
    ])
    const first = await runWorkflow(wf, { event: { userId: 'same-user' } })
    for (let i = 0; i < 5; i++) {
      const again = await runWorkflow(wf, { event: { userId: 'same-user' } })
      expect(again.steps.ab.output).toEqual(first.steps.ab.output)
    }
    const chosen = (first.steps.ab.output as { variant: string }).variant
    const other = chosen === 'A' ? 'B' : 'A'
    expect(first.steps[`to-${chosen}`].status).toBe('succeeded')
    expect(first.steps[`to-${other}`].status).toBe('skipped')
    const skipped = first.events?.filter((e) => e.type === 'edge.skipped').map((e) => e.edgeId)
    expect(skipped).toEqual([wf.edges.find((e) => e.label === other)!.id])
  })

  it('over many keys the shares match the weights (70/20/10 within 1 point over 100,000 users)', async () => {
    const wf = split([
      { label: 'big', weight: 70 },
      { label: 'mid', weight: 20 },
      { label: 'small', weight: 10 },
    ])
    const counts: Record<string, number> = { big: 0, mid: 0, small: 0 }
    const n = 100_000
    for (let i = 0; i < n; i++) {
      const r = await runWorkflow(wf, { event: { userId: `user-${i}` }, recordEvents: false })
      counts[(r.steps.ab.output as { variant: string }).variant]++
    }
    expect(Math.abs(counts.big / n - 0.7)).toBeLessThan(0.01)
    expect(Math.abs(counts.mid / n - 0.2)).toBeLessThan(0.01)
    expect(Math.abs(counts.small / n - 0.1)).toBeLessThan(0.01)
  }, 60_000)

  it('buckets are uniform (chi-square over 20 bins) and two splits of the same user are independent', () => {
    const bins = new Array(20).fill(0)
    let both = 0
    const n = 50_000
    for (let i = 0; i < n; i++) {
      const a = bucketOf(`user-${i}`, 'split-1')
      const b = bucketOf(`user-${i}`, 'split-2')
      bins[Math.floor(a * 20)]++
      if (a < 0.5 && b < 0.5) both++
    }
    const expected = n / 20
    const chi2 = bins.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0)
    // 19 degrees of freedom: 43.8 is the 0.1% critical value.
    expect(chi2).toBeLessThan(43.8)
    expect(Math.abs(both / n - 0.25)).toBeLessThan(0.01)
  })

  it('fails clearly when the key has no value, and validation checks edge labels against the variants', async () => {
    const wf = split([
      { label: 'A', weight: 1 },
      { label: 'B', weight: 1 },
    ])
    const r = await runWorkflow(wf, { event: { anonymousId: 'x' } })
    expect(r.status).toBe('failed')
    expect(r.error).toMatch(/^ab: key: the expression gave no value/)
    const mislabelled = {
      ...wf,
      edges: wf.edges.map((e) => (e.label === 'B' ? { ...e, label: 'C' } : e)),
    }
    const issues = validate(mislabelled).map((i) => `${i.severity} ${i.code}`)
    expect(issues).toContain('error branch-label-unknown')
    expect(issues).toContain('warning branch-missing')
    const zero = split([
      { label: 'A', weight: 0 },
      { label: 'B', weight: 0 },
    ])
    expect(validate(zero).some((i) => i.code === 'config-invalid')).toBe(true)
  })
})
