import fc from 'fast-check'
import jsonata from 'jsonata'
import { describe, expect, it } from 'vitest'
import { normalize, prepareExpression } from './evaluate'
import { BAIL } from './fast-path'

/** The fast path must agree with JSONata wherever it answers; BAIL means "ask JSONata". */
async function agree(text: string, data: Record<string, unknown>) {
  const p = prepareExpression(text)
  const fast = p.fast ? p.fast(data) : BAIL
  if (fast === BAIL) return 'bailed'
  let expected: unknown
  try {
    expected = normalize(await jsonata(text).evaluate(data))
  } catch (err) {
    throw new Error(
      `fast path answered ${JSON.stringify(fast)} where JSONata throws: ${(err as Error).message} — ${text}`,
    )
  }
  expect(fast, `${text} on ${JSON.stringify(data)}`).toEqual(expected)
  return 'agreed'
}

const data = {
  event: {
    type: 'track',
    event: 'Order Completed',
    userId: 'u-1',
    n: 0,
    t: true,
    z: null,
    empty: '',
    items: [
      { id: 'a', score: 0.9 },
      { id: 'b', score: 0.4 },
    ],
    one: [7],
    none: [],
    nested: [[1, 2], [3]],
    obj: {},
    context: { traits: { preferred_channel: 'push', email: 'x@example.com' } },
  },
  steps: { n8: { body: { confidence: 0.83 } } },
  vars: { count: 3, name: 'Maya' },
}

describe('fast path', () => {
  it('covers the expressions workflows use most', () => {
    for (const text of [
      'event.userId',
      'steps.n8.body.confidence',
      'event.items[0].id',
      'event.context.traits.preferred_channel = "push" ? "push" : "email"',
      'event.type = "track" and event.event = "Signed Up" ? "signup" : event.type',
      '{"id": event.userId, "n": 1, "items": event.items}',
      '["a", event.userId, [1, 2]]',
      'vars.name & " " & event.userId',
      'vars.count * 2 + 1',
    ]) {
      expect(prepareExpression(text).fast, text).not.toBeNull()
    }
    for (const text of [
      '$count(event.items)',
      'event.items[score > 0.5]',
      'event.items^(>score)',
      '$x := 1',
      'event.*',
    ]) {
      expect(prepareExpression(text).fast, text).toBeNull()
    }
  })

  it('agrees with JSONata on edge cases', async () => {
    const cases = [
      'event.userId',
      'event.missing.deeper',
      'event.userId.length',
      'event.items',
      'event.one',
      'event.none',
      'event.nested',
      'event.items.id',
      'event.items[0]',
      'event.items[-1].score',
      'event.items[5]',
      'event.one[0]',
      'event.nested[0]',
      'event.userId[0]',
      'event.userId[1]',
      'event.obj[-1]',
      'event.z',
      'event.z.x',
      'event.n ? "yes" : "no"',
      'event.empty ? "yes" : "no"',
      'event.obj ? "yes" : "no"',
      'event.none ? "yes" : "no"',
      'event.one ? "yes" : "no"',
      'event.missing ? "yes"',
      'event.missing = event.missing',
      'event.missing != 1',
      'event.items = event.items',
      'event.obj = {}',
      'event.n < 1',
      'event.n < "1"',
      'event.userId < "v"',
      'event.missing < 1',
      'event.t > 1',
      '"a" & event.missing & "b"',
      '"a" & event.n',
      'event.n + 1',
      'event.n / 0',
      'event.missing + 1',
      '"x" + 1',
      '-event.n',
      '-(vars.count)',
      '{"a": event.missing, "b": event.z, "c": event.items}',
      '[event.missing, event.z, event.items]',
      '[[event.n], event.userId]',
      '(event.userId)',
      'event.t and event.missing',
      'event.missing or event.empty or event.n',
    ]
    const outcomes = await Promise.all(cases.map((c) => agree(c, data)))
    // Most of these are answered without JSONata; the rest fall back to it.
    expect(outcomes.filter((o) => o === 'agreed').length).toBeGreaterThan(30)
  })

  it('agrees with JSONata on generated expressions and data', async () => {
    const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('', 'a', 'push', '1'),
        fc.constantFrom(0, 1, -2, 0.5, 0.7),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.record({ x: tie('v'), y: tie('v') }, { requiredKeys: [] }),
      ),
    })).v
    const leaf = fc.oneof(
      fc.constantFrom('"a"', '"push"', '""', '0', '1', '0.7', 'true', 'false', 'null'),
      fc
        .tuple(
          fc.constantFrom('a', 'b', 'c'),
          fc.constantFrom('', '.x', '.y', '.x.y'),
          fc.constantFrom('', '[0]', '[-1]', '[1]'),
        )
        .map(([k, p, i]) => `vars.${k}${p}${i}`),
    )
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .tuple(
            tie('e'),
            fc.constantFrom('=', '!=', '<', '<=', '>', '>=', 'and', 'or', '&', '+', '-', '*', '/', '%'),
            tie('e'),
          )
          .map(([a, op, b]) => `(${a} ${op} ${b})`),
        fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, t, e]) => `(${c} ? ${t} : ${e})`),
        fc.tuple(tie('e'), tie('e')).map(([a, b]) => `{"k": ${a}, "m": ${b}}`),
        fc.tuple(tie('e'), tie('e')).map(([a, b]) => `[${a}, ${b}]`),
        tie('e').map((a) => `-(${a})`),
      ),
    })).e
    await fc.assert(
      fc.asyncProperty(
        expr,
        fc.record({ a: value, b: value, c: value }, { requiredKeys: [] }),
        async (text, vars) => {
          await agree(text, { event: {}, steps: {}, vars })
        },
      ),
      { numRuns: 1500 },
    )
  })
})
