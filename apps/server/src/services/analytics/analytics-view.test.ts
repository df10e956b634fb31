import { describe, expect, it } from 'vitest'
import { link, step } from '../../testing/flows'
import { loadTemplate, type Workflow } from '../engine'
import { analyticsView } from './analytics-view'

type Node = Workflow['nodes'][number]
const node = (id: string, type: string, shape: Node['shape'] = 'rectangle', config: unknown = {}) =>
  step(id, type, config, shape)
const edge = link

// start → split (a | b) → both fan out to log and end
const model: Workflow = {
  title: 't',
  description: '',
  groups: [],
  nodes: [
    node('s', 'start', 'circle'),
    node('ab', 'ab-split', 'diamond', {
      variants: [
        { label: 'a', weight: 1 },
        { label: 'b', weight: 1 },
      ],
    }),
    node('x', 'transform'),
    node('y', 'transform'),
    node('log', 'transform'),
    node('end', 'end', 'circle'),
  ],
  edges: [
    edge('s', 'ab'),
    edge('ab', 'x', 'a'),
    edge('ab', 'y', 'b'),
    edge('x', 'log'),
    edge('x', 'end'),
    edge('y', 'end'),
  ],
}
const tokens = (variant: 'x' | 'y') => [
  'r:s',
  's:s',
  't:s-ab',
  'r:ab',
  's:ab',
  `t:ab-${variant}`,
  `r:${variant}`,
  `s:${variant}`,
  ...(variant === 'x' ? ['t:x-log', 'r:log', 's:log', 't:x-end'] : ['t:y-end']),
  'r:end',
  's:end',
]

describe('analyticsView', () => {
  const view = analyticsView(
    model,
    [
      { hour: '2026-11-30T10', status: 'succeeded', tokens: tokens('x'), count: 30 },
      { hour: '2026-11-30T11', status: 'succeeded', tokens: tokens('y'), count: 10 },
      { hour: '2026-11-30T11', status: 'failed', tokens: ['r:s', 's:s', 't:s-ab', 'r:ab', 'f:ab'], count: 2 },
    ],
    [{ hour: '2026-11-30T11', nodeId: 'x', count: 3 }],
  )

  it('gives a branch its share of the branch taken, and every edge of a fan-out all of its runs', () => {
    expect(view.edges['ab-x']).toEqual({ count: 30, share: 0.75, branch: true })
    expect(view.edges['ab-y']).toEqual({ count: 10, share: 0.25, branch: true })
    expect(view.edges['x-log']).toEqual({ count: 30, share: 1, branch: false })
    expect(view.edges['x-end']).toEqual({ count: 30, share: 1, branch: false })
  })

  it('counts steps, End completions, runs by status and per hour, waits and A/B exposures', () => {
    expect(view.nodes.ab).toEqual({ reached: 42, succeeded: 40, failed: 2, waiting: 0 })
    expect(view.nodes.x).toEqual({ reached: 30, succeeded: 30, failed: 0, waiting: 3 })
    expect(view.ends).toEqual({ end: 40 })
    expect(view.runs).toEqual({ succeeded: 40, failed: 2, cancelled: 0, waiting: 3 })
    expect(view.series).toEqual([
      { hour: '2026-11-30T10:00:00.000Z', succeeded: 30, failed: 0, cancelled: 0, waiting: 0 },
      { hour: '2026-11-30T11:00:00.000Z', succeeded: 10, failed: 2, cancelled: 0, waiting: 3 },
    ])
    // No step is named like a conversion: exposures only.
    expect(view.splits.ab).toEqual({
      goal: null,
      steps: ['x', 'y', 'log', 'end'].map((id) => ({ nodeId: id, label: id })),
      variants: [
        {
          variant: 'a',
          edgeId: 'ab-x',
          exposures: 30,
          conversions: 0,
          hourly: [{ hour: '2026-11-30T10:00:00.000Z', exposures: 30, conversions: 0 }],
        },
        {
          variant: 'b',
          edgeId: 'ab-y',
          exposures: 10,
          conversions: 0,
          hourly: [{ hour: '2026-11-30T11:00:00.000Z', exposures: 10, conversions: 0 }],
        },
      ],
    })
  })
})

describe('A/B conversions', () => {
  // Variant a's runs go on to `log` only some of the time: reaching it is the conversion.
  const aLogged = tokens('x')
  const aNot = ['r:s', 's:s', 't:s-ab', 'r:ab', 's:ab', 't:ab-x', 'r:x', 's:x', 't:x-end', 'r:end', 's:end']
  const rows = [
    { hour: '2026-11-30T10', status: 'succeeded', tokens: aLogged, count: 4 },
    { hour: '2026-11-30T10', status: 'succeeded', tokens: aNot, count: 6 },
    { hour: '2026-11-30T11', status: 'succeeded', tokens: aLogged, count: 1 },
    { hour: '2026-11-30T11', status: 'succeeded', tokens: aNot, count: 9 },
    { hour: '2026-11-30T11', status: 'succeeded', tokens: tokens('y'), count: 7 },
  ]
  const series = (view: ReturnType<typeof analyticsView>) =>
    view.splits.ab.variants.map((v) => [v.variant, v.exposures, v.conversions, v.hourly])

  it('counts a conversion only for runs that took the variant and reached the chosen step, per hour', () => {
    const view = analyticsView(model, rows, [], { ab: 'log' })
    expect(view.splits.ab.goal).toEqual({ nodeId: 'log', label: 'log', auto: false })
    expect(series(view)).toEqual([
      [
        'a',
        20,
        5,
        [
          { hour: '2026-11-30T10:00:00.000Z', exposures: 10, conversions: 4 },
          { hour: '2026-11-30T11:00:00.000Z', exposures: 10, conversions: 1 },
        ],
      ],
      ['b', 7, 0, [{ hour: '2026-11-30T11:00:00.000Z', exposures: 7, conversions: 0 }]],
    ])
    // Exposures stay the edges' counts on the canvas.
    expect(view.edges['ab-x'].count).toBe(20)
    // A step both variants reach converts all of each.
    const end = analyticsView(model, rows, [], { ab: 'end' })
    expect(end.splits.ab.variants.map((v) => [v.exposures, v.conversions])).toEqual([
      [20, 20],
      [7, 7],
    ])
  })

  it('ignores a chosen step not downstream of the split, unknown splits and steps every run passes', () => {
    const view = analyticsView(model, rows, [], { ab: 's', nope: 'log', constructor: 'x' })
    expect(view.splits.ab.goal).toBeNull()
    expect(series(view).map(([, , c]) => c)).toEqual([0, 0])
    expect(Object.keys(view.splits)).toEqual(['ab'])
    // A step named like a conversion that every run passes is no conversion step.
    const joined: Workflow = {
      ...model,
      nodes: [...model.nodes, { ...node('sig', 'significance'), label: 'Test conversion rates' }],
      edges: [
        edge('s', 'ab'),
        edge('ab', 'x', 'a'),
        edge('ab', 'y', 'b'),
        edge('x', 'sig'),
        edge('y', 'sig'),
      ],
    }
    expect(analyticsView(joined, rows, []).splits.ab.goal).toBeNull()
    const logNamed = {
      ...model,
      nodes: model.nodes.map((n) => (n.id === 'log' ? { ...n, label: 'Converted' } : n)),
    }
    expect(analyticsView(logNamed, rows, []).splits.ab.goal).toEqual({
      nodeId: 'log',
      label: 'Converted',
      auto: true,
    })
  })

  it('finds the A/B template\'s conversion step by name, past the "Exposure or conversion?" question', async () => {
    const ab = await loadTemplate('ab-test', 'http://127.0.0.1')
    const id = (label: string) => ab.nodes.find((n) => n.label === label)!.id
    const edgeOf = (variant: string) => ab.edges.find((e) => e.source === 'n5' && e.label === variant)!.id
    // Monthly users: 3 exposures then 1 upgrade; annual users: 2 exposures then 2 upgrades.
    const path = (variant: string, converted: boolean) => [
      'r:n5',
      `t:${edgeOf(variant)}`,
      'r:n8',
      ...(converted ? ['r:n11', 's:n11'] : ['r:n9', 's:n9']),
    ]
    const view = analyticsView(
      ab,
      [
        { hour: '2026-11-30T09', status: 'succeeded', tokens: path('monthly', false), count: 3 },
        { hour: '2026-11-30T09', status: 'succeeded', tokens: path('annual', false), count: 2 },
        { hour: '2026-11-30T10', status: 'succeeded', tokens: path('monthly', true), count: 1 },
        { hour: '2026-11-30T10', status: 'succeeded', tokens: path('annual', true), count: 2 },
      ],
      [],
    )
    const split = view.splits.n5
    expect(split.goal).toEqual({ nodeId: id('Count conversion'), label: 'Count conversion', auto: true })
    expect(split.steps.slice(0, 3).map((s) => s.label)).toEqual([
      'Variant A: monthly billing',
      'Variant B: annual billing',
      'Exposure or conversion?',
    ])
    expect(split.variants.map((v) => [v.variant, v.exposures, v.conversions])).toEqual([
      ['monthly', 4, 1],
      ['annual', 4, 2],
    ])
    expect(split.variants[1].hourly).toEqual([
      { hour: '2026-11-30T09:00:00.000Z', exposures: 2, conversions: 0 },
      { hour: '2026-11-30T10:00:00.000Z', exposures: 2, conversions: 2 },
    ])
    // An explicit choice wins over the name.
    const chosen = analyticsView(ab, [], [], { n5: id('Count exposure') })
    expect(chosen.splits.n5.goal).toEqual({ nodeId: 'n9', label: 'Count exposure', auto: false })
  })
})
