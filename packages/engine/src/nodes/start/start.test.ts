import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from '../../dsl/parser'
import type { Workflow } from '../../model/schema'
import { acceptsEvent, hasEventFilter } from '../../run/accepts-event'
import { runWorkflow } from '../../run/executor'
import { flow } from '../../run/fixtures'
import { runTestCases } from '../../run/test-cases'
import { validate } from '../../validate/validate'

const example = parse(readFileSync(new URL('./start-filter.flow', import.meta.url), 'utf8'))
  .workflow as Workflow
const order = { type: 'track', event: 'Order Completed', userId: 'u1', properties: { order_id: 'o-1' } }
const page = { type: 'page', name: 'Home', userId: 'u1' }

describe('start with a filter', () => {
  it('the .flow example validates cleanly and its test cases pass', async () => {
    expect(validate(example).filter((i) => i.severity === 'error')).toEqual([])
    const results = await runTestCases(example)
    expect(results.map((r) => [r.name, r.passed, r.failures])).toEqual([
      ['an order runs the workflow', true, []],
      ['a page view goes no further than the start', true, []],
    ])
  })

  it('turns away events the filter rejects before any run exists, and lets the others in', async () => {
    expect(hasEventFilter(example)).toBe(true)
    expect(await acceptsEvent(example, order)).toBe(true)
    expect(await acceptsEvent(example, page)).toBe(false)
  })

  it('lets every event in without a filter, and when the filter itself fails (the run then says why)', async () => {
    const open = flow(
      [
        { id: 's', type: 'start' },
        { id: 'e', type: 'end' },
      ],
      ['s -> e'],
    )
    expect(hasEventFilter(open)).toBe(false)
    expect(await acceptsEvent(open, page)).toBe(true)
    const broken = flow(
      [
        { id: 's', type: 'start', config: { filter: '$number("x")' } },
        { id: 'e', type: 'end' },
      ],
      ['s -> e'],
    )
    expect(await acceptsEvent(broken, page)).toBe(true)
    const run = await runWorkflow(broken, { event: page })
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^s: filter:/)
  })

  it('in a test run, a rejected event ends at the start: its edges are ruled out, the run succeeds', async () => {
    const run = await runWorkflow(example, { event: page })
    expect(run.status).toBe('succeeded')
    expect(run.steps.n1.status).toBe('succeeded')
    expect(run.steps.n2.status).toBe('skipped')
    const skipped = run.events?.filter((e) => e.type === 'edge.skipped').map((e) => e.edgeId)
    expect(skipped).toEqual(example.edges.map((e) => e.id))
  })

  it('reports a filter that is not valid JSONata', () => {
    const bad = flow(
      [
        { id: 's', type: 'start', config: { filter: 'event.type = ' } },
        { id: 'e', type: 'end' },
      ],
      ['s -> e'],
    )
    expect(validate(bad).some((i) => i.severity === 'error' && i.nodeId === 's')).toBe(true)
  })
})
