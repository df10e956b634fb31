import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  parse,
  personalizationEvents,
  personalizationMocks,
  runWorkflow,
  type TraceEvent,
  type Workflow,
} from '../../../../packages/engine/src/index'
import { createEditorStore } from './editor-store'
import { applyTraceEvents, EMPTY_TRACE, formatDuration, inputOf, newTrace, pathOf } from './trace'

const source = readFileSync(
  new URL('../../../../packages/engine/templates/personalization.flow', import.meta.url),
  'utf8',
)
const template = parse(source).workflow as Workflow

async function traceOf(event: unknown, mocks: Record<string, unknown>) {
  const r = await runWorkflow(template, { runId: 'r1', event, mocks })
  return r.events as TraceEvent[]
}

const purchasePush = personalizationEvents['purchase-push']
const confident = {
  n8: { ...personalizationMocks['n8-confident'], body: { confidence: 0.9, recommendations: [] } },
}

describe('run trace on the canvas', () => {
  it('lights up the path a purchase by a push user took, and rules out the other branches', async () => {
    const trace = applyTraceEvents(newTrace('r1'), await traceOf(purchasePush, confident), template)
    const ran = Object.entries(trace.nodes)
      .filter(([, n]) => n.status === 'succeeded')
      .map(([id]) => id)
    expect(ran.sort()).toEqual(
      [
        'n1',
        'n2',
        'n3',
        'n4',
        'n6',
        'n8',
        'n9',
        'n10',
        'n11',
        'n13',
        'n14',
        'n15',
        'n16',
        'n17',
        'n19',
        'n20',
      ].sort(),
    )
    const ruledOut = Object.entries(trace.nodes)
      .filter(([, n]) => n.status === 'skipped')
      .map(([id]) => id)
    expect(ruledOut.sort()).toEqual(['n12', 'n18', 'n5', 'n7'])
    expect(trace.edges['n4->n6']).toBe('taken')
    expect(trace.edges['n4->n5']).toBe('ruled-out')
    expect(trace.edges['n5->n8']).toBe('ruled-out')
    expect(trace.edges['n17->n18']).toBe('ruled-out')
    expect(trace.edges['n18->n20']).toBe('ruled-out')
    expect(trace.status).toBe('succeeded')
    // Inputs follow the edge that fired: n9 received n8's (mocked) answer.
    expect(inputOf(trace, 'n9')).toEqual(confident.n8)
    expect(inputOf(trace, 'n1')).toEqual(purchasePush)
    expect(trace.nodes.n16.request?.url).toContain('/campaigns/trigger/send')
    expect(pathOf(trace).notRan).toEqual(['n5', 'n7', 'n12', 'n18'])
  })

  it('shows a failed node with its message and leaves the rest unreached', async () => {
    const broken = { n8: { status: 200, headers: {}, body: { recommendations: [] } } }
    const trace = applyTraceEvents(newTrace('r1'), await traceOf(purchasePush, broken), template)
    expect(trace.status).toBe('failed')
    expect(trace.nodes.n10.status).toBe('failed')
    expect(trace.nodes.n10.error).toMatch(/no branch matches/)
    expect(trace.nodes.n11).toBeUndefined()
    expect(trace.steps.at(-1)).toMatchObject({ nodeId: 'n10', status: 'failed' })
  })

  it('applied one event at a time gives the same picture as one batch, and keeps untouched entries', async () => {
    const events = await traceOf(purchasePush, confident)
    let live = newTrace('r1')
    let n1Entry: unknown
    for (const e of events) {
      live = applyTraceEvents(live, [e], template)
      if (e.type === 'node.finished' && e.nodeId === 'n1') n1Entry = live.nodes.n1
    }
    expect(live.nodes.n1).toBe(n1Entry)
    const batch = applyTraceEvents(newTrace('r1'), events, template)
    expect(live.nodes).toEqual(batch.nodes)
    expect(live.steps).toEqual(batch.steps)
  })

  it('ignores events of another run', async () => {
    const events = await traceOf(purchasePush, confident)
    expect(applyTraceEvents(newTrace('other'), events, template).nodes).toEqual({})
  })

  it('is not part of undo history', async () => {
    const store = createEditorStore({ workflowId: 'w', graph: template, version: 1 })
    store.getState().startTrace('r1')
    store.getState().applyTrace(await traceOf(purchasePush, confident))
    expect(store.temporal.getState().pastStates).toHaveLength(0)
    expect(store.getState().trace.nodes.n20.status).toBe('succeeded')
    store.getState().clearTrace()
    expect(store.getState().trace).toBe(EMPTY_TRACE)
  })

  it('formats durations from microseconds to minutes', () => {
    expect(formatDuration(0.02)).toBe('<1 ms')
    expect(formatDuration(12.4)).toBe('12 ms')
    expect(formatDuration(1530)).toBe('1.53 s')
  })
})
