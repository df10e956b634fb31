import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EdgeIdDeriver } from '../model/edge-id'
import type { Workflow } from '../model/schema'
import seed from './fixtures/seed.flow?raw'
import { parse } from './parser'
import { format } from './printer'

// Pieces that stress quoting, line classification and escapes.
const oddPieces = [
  '"',
  '\\',
  '\n',
  '\r\n',
  '\r',
  '\t',
  ' ',
  '->',
  '{',
  '}',
  '[',
  ']',
  '`',
  '#',
  ':',
  '.',
  'n1: circle label:"x"',
  'a.handle(right) -> b.handle(left)',
  'G {',
  'test "t" {',
  '"quoted"',
  '😀',
  '👩‍👩‍👧',
  'שלום עולם',
  'مرحبا',
  '\u202e',
  '\u200f',
  '\u0000',
  '\u007f',
  '\ud800',
  '\udfff',
  '\ufeff',
  'label:"',
  'Owner: team',
  '\\"',
  '\\n',
]

const odd = fc
  .array(fc.oneof(fc.constantFrom(...oddPieces), fc.string({ maxLength: 4 })), { maxLength: 6 })
  .map((parts) => parts.join(''))
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  odd,
)
const id = fc.oneof(
  { weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/) },
  { weight: 1, arbitrary: text },
)
const side = fc.constantFrom('top', 'right', 'bottom', 'left' as const)
const json = fc.jsonValue({ maxDepth: 3 })
const finite = fc.double({ noNaN: true, noDefaultInfinity: true })

const testCase = fc.record(
  {
    name: text,
    event: json,
    mocks: fc.dictionary(id, json, { maxKeys: 3, noNullPrototype: true }),
    expectRan: fc.array(id, { maxLength: 4 }),
    expectNotRan: fc.array(id, { maxLength: 4 }),
    assertions: fc.array(text, { maxLength: 3 }),
  },
  { requiredKeys: ['name', 'event'], noNullPrototype: true },
)

const workflow: fc.Arbitrary<Workflow> = fc
  .record({
    title: text,
    description: text,
    groups: fc.uniqueArray(fc.record({ id, title: text }, { noNullPrototype: true }), {
      selector: (g) => g.id,
      maxLength: 6,
    }),
    nodeIds: fc.uniqueArray(id, { maxLength: 14 }),
    tests: fc.option(fc.array(testCase, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  })
  .chain(({ title, description, groups, nodeIds, tests }) => {
    const group = fc.constantFrom(null, ...groups.map((g) => g.id))
    const nodes = fc.tuple(
      ...nodeIds.map((nodeId) =>
        fc.record(
          {
            id: fc.constant(nodeId),
            group,
            shape: fc.constantFrom('circle', 'rectangle', 'diamond' as const),
            label: text,
            type: fc.oneof(fc.constantFrom('decision', 'http-request', 'braze-send-message'), text),
            config: json,
            position: fc.record({ x: finite, y: finite }, { noNullPrototype: true }),
          },
          { requiredKeys: ['id', 'group', 'shape', 'label'], noNullPrototype: true },
        ),
      ),
    )
    const edges =
      nodeIds.length === 0
        ? fc.constant([])
        : fc.array(
            fc.record(
              {
                source: fc.constantFrom(...nodeIds),
                sourceHandle: side,
                target: fc.constantFrom(...nodeIds),
                targetHandle: side,
                label: text,
                customId: text,
              },
              { requiredKeys: ['source', 'sourceHandle', 'target', 'targetHandle'], noNullPrototype: true },
            ),
            { maxLength: 20 },
          )
    return fc.tuple(nodes, edges).map(([nodeList, edgeList]) => {
      const ids = new EdgeIdDeriver()
      const model: Workflow = {
        title,
        description,
        groups,
        nodes: nodeList,
        edges: edgeList.map(({ customId, ...edge }) => {
          const derived = ids.next(edge.source, edge.target)
          return { id: customId ?? derived, ...edge }
        }),
      }
      if (tests) model.tests = tests
      return model
    })
  })
  // A valid model has unique edge ids; custom ones may collide with derived ones.
  .filter((m) => new Set(m.edges.map((e) => e.id)).size === m.edges.length)

describe('format and parse round trip', () => {
  it('parse(format(m)) deep-equals m for generated models', () => {
    fc.assert(
      fc.property(workflow, (m) => {
        const printed = format(m)
        const result = parse(printed)
        expect(result.diagnostics).toEqual([])
        expect(result.workflow).toStrictEqual(m)
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    )
  })

  it('format is a fixed point: format(parse(format(m))) == format(m)', () => {
    fc.assert(
      fc.property(workflow, (m) => {
        const printed = format(m)
        const again = parse(printed).workflow
        expect(again && format(again)).toBe(printed)
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 200) },
    )
  })

  it('never throws on arbitrary input, and whatever parses formats back to the same model', () => {
    const line = fc.oneof(
      fc.constantFrom(...oddPieces, '}', 'A {', 'n1: circle', 'n1.handle(right) -> n1.handle(left)'),
      text,
    )
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const result = parse(lines.join('\n'))
        if (result.workflow === null) {
          expect(result.diagnostics.length).toBeGreaterThan(0)
          return
        }
        expect(parse(format(result.workflow)).workflow).toStrictEqual(result.workflow)
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    )
  })

  it('formats the seed in its own layout, with the glued trailing text moved into the description', () => {
    const printed = format(parse(seed).workflow as Workflow)
    const blocks = seed.slice(seed.indexOf('MakeScenario {'), seed.lastIndexOf('}') + 1)
    expect(printed).toContain(`${blocks}\n`)
    expect(printed.startsWith('User Segmentation Workflow\n')).toBe(true)
    expect(format(parse(printed).workflow as Workflow)).toBe(printed)
  })
})
