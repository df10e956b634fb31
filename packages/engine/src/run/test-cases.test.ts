import { describe, expect, it } from 'vitest'
import { decide, flow, pass, start, transform } from './fixtures'
import { runTestCase, runTestCases } from './test-cases'

const wf = {
  ...flow(
    [start('s'), decide('d', 'event.type'), transform('p', { kind: '"page"' }), pass('t')],
    ['s -> d', 'd -> p : page', 'd -> t : track'],
  ),
  tests: [
    {
      name: 'page',
      event: { type: 'page' },
      expectRan: ['s', 'd', 'p'],
      expectNotRan: ['t'],
      assertions: ['vars.kind = "page"'],
    },
    { name: 'track', event: { type: 'track' }, expectRan: ['t'], expectNotRan: ['p'] },
  ],
}

describe('test cases', () => {
  it('pass when the path and assertions hold', async () => {
    const results = await runTestCases(wf)
    expect(results.map((r) => [r.name, r.passed, r.failures])).toEqual([
      ['page', true, []],
      ['track', true, []],
    ])
  })

  it('say exactly what did not hold', async () => {
    const r = await runTestCase(wf, {
      name: 'wrong',
      event: { type: 'page' },
      expectRan: ['t', 'nowhere'],
      expectNotRan: ['p'],
      assertions: ['vars.kind = "track"', '$unknown(', 'vars.missing'],
    })
    expect(r.passed).toBe(false)
    expect(r.failures).toEqual([
      'expected t to run, but it was ruled out',
      'expected nowhere to run, but it never started',
      'expected p not to run, but it succeeded',
      'assertion failed: vars.kind = "track" (got false)',
      expect.stringMatching(/^assertion \$unknown\( could not be evaluated: /),
      'assertion failed: vars.missing (got nothing)',
    ])
    expect(r.result.status).toBe('succeeded')
  })

  it('fail when the run fails, with its reason', async () => {
    const r = await runTestCase(wf, { name: 'identify', event: { type: 'identify' } })
    expect(r.passed).toBe(false)
    expect(r.failures).toEqual([
      expect.stringMatching(/^the run failed: d: no branch matches value "identify"/),
    ])
  })

  it('see mocks and the steps of the run in assertions', async () => {
    const r = await runTestCase(wf, {
      name: 'mocked',
      event: { type: 'track' },
      mocks: { d: 'page' },
      assertions: ['steps.d = "page"', 'steps.p.kind = "page"', 'event.type = "track"'],
    })
    expect(r.failures).toEqual([])
  })
})
