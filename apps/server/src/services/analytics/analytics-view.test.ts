import { describe, expect, it } from 'vitest'
import { link, step } from '../../testing/flows'
import type { Workflow } from '../engine'
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
    expect(view.splits.ab).toEqual([
      { variant: 'a', edgeId: 'ab-x', total: 30, hourly: [{ hour: '2026-11-30T10:00:00.000Z', count: 30 }] },
      { variant: 'b', edgeId: 'ab-y', total: 10, hourly: [{ hour: '2026-11-30T11:00:00.000Z', count: 10 }] },
    ])
  })
})
