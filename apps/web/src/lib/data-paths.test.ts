import { describe, expect, it } from 'vitest'
import { dataSourcesFor, listPaths, readablePath, resolvePath } from './data-paths'
import type { Workflow } from './engine'
import { insertToken } from './insert-token'

const graph: Pick<Workflow, 'nodes' | 'edges'> = {
  nodes: [
    { id: 'n1', group: null, shape: 'circle', label: 'Signed up', type: 'start' },
    { id: 'n2', group: null, shape: 'rectangle', label: 'Welcome e-mail', type: 'send-email' },
    {
      id: 'n3',
      group: null,
      shape: 'rectangle',
      label: 'Remember plan',
      type: 'transform',
      config: { vars: { plan: 'event.properties.plan' } },
    },
    { id: 'n4', group: null, shape: 'diamond', label: 'Opened?', type: 'decision' },
  ],
  edges: [
    { id: 'n1->n2', source: 'n1', sourceHandle: 'right', target: 'n2', targetHandle: 'left' },
    { id: 'n2->n3', source: 'n2', sourceHandle: 'right', target: 'n3', targetHandle: 'left' },
    { id: 'n3->n4', source: 'n3', sourceHandle: 'right', target: 'n4', targetHandle: 'left' },
  ],
}

describe('data picker paths', () => {
  it('lists nested fields as JSONata paths, quoting names that are not identifiers', () => {
    const paths = listPaths(
      { userId: 'u1', context: { traits: { email: 'a@b', 'first name': 'Ana' } } },
      'event',
    )
    expect(paths.map((p) => p.path)).toEqual([
      'event.userId',
      'event.context',
      'event.context.traits',
      'event.context.traits.email',
      'event.context.traits.`first name`',
    ])
    expect(paths[0]).toMatchObject({ name: 'userId', sample: '"u1"' })
  })

  it('groups the event and each earlier step by label, from the last run or the example output', () => {
    const sources = dataSourcesFor(graph, 'n4', { userId: 'u1' }, { n3: { output: { plan: 'pro' } } })
    expect(sources.map((s) => [s.title, s.origin])).toEqual([
      ['Event', 'sample'],
      ['Remember plan', 'last run'],
      ['Welcome e-mail', 'example'],
      ['Variables', 'example'],
    ])
    expect(sources[1].paths.map((p) => p.path)).toEqual(['steps.n3.plan'])
    expect(sources[2].paths.map((p) => p.path)).toEqual(['steps.n2.messageId', 'steps.n2.accepted'])
    expect(sources[3].paths.map((p) => p.path)).toEqual(['vars.plan'])
    // Only steps before the field's own step.
    expect(dataSourcesFor(graph, 'n2', {}, {}).map((s) => s.title)).toEqual(['Event'])
  })
})

describe('inserting a picked field', () => {
  it('inserts at the cursor, replacing only the selection', () => {
    expect(insertToken('event.a = ', 'event.b', 'expression', { start: 10, end: 10 }).value).toBe(
      'event.a = event.b',
    )
    expect(insertToken('Hi !', 'event.name', 'template', { start: 3, end: 3 })).toEqual({
      value: 'Hi {{ event.name }}!',
      cursor: 19,
    })
    expect(insertToken('Hi {{  }}', 'event.name', 'template', { start: 6, end: 6 }).value).toBe(
      'Hi {{ event.name }}',
    )
    expect(insertToken('a = b', 'event.x', 'expression', { start: 0, end: 5 }).value).toBe('event.x')
  })

  it('without a cursor, a single prefilled field is replaced and other text is kept', () => {
    expect(insertToken('event.userId', 'event.anonymousId', 'expression', null).value).toBe(
      'event.anonymousId',
    )
    expect(insertToken('Hello', 'event.name', 'template', null).value).toBe('Hello {{ event.name }}')
  })

  it('a caret right after a field reference swaps it instead of gluing two together', () => {
    expect(insertToken('event.userId', 'event.anonymousId', 'expression', { start: 12, end: 12 }).value).toBe(
      'event.anonymousId',
    )
    expect(insertToken('event.a = event.b', 'vars.x', 'expression', { start: 17, end: 17 }).value).toBe(
      'event.a = vars.x',
    )
  })
})

describe('field values in a run', () => {
  it('looks plain paths up in the run scope and names them in words', () => {
    const scope = { event: { userId: 'u1' }, steps: { n2: { accepted: ['a@b'], 'first name': 'Ana' } } }
    expect(resolvePath('steps.n2.accepted', scope)).toEqual(['a@b'])
    expect(resolvePath('steps.n2.`first name`', scope)).toBe('Ana')
    expect(resolvePath('event.missing.deeper', scope)).toBeUndefined()
    expect(readablePath('steps.n2.accepted', graph.nodes)).toBe('Welcome e-mail › accepted')
    expect(readablePath('event.userId', graph.nodes)).toBe('Event › userId')
  })
})
