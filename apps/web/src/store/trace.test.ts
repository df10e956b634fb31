import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  parse,
  personalizationEvents,
  personalizationMocks,
  resumeRun,
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

// The events of start → wait → send → end, where a live run suspends at `wait`.
const at = (minute: number) => new Date(Date.UTC(2031, 0, 1, 9, minute)).toISOString()
const UNTIL = at(59)
const untilTheWait: TraceEvent[] = [
  { type: 'run.started', runId: 'r1', at: at(0), dryRun: false, event: { userId: 'u1' } },
  { type: 'node.started', runId: 'r1', at: at(0), nodeId: 'start' },
  { type: 'node.finished', runId: 'r1', at: at(0), nodeId: 'start', output: {}, durationMs: 1 },
  { type: 'edge.taken', runId: 'r1', at: at(0), edgeId: 'start->wait', source: 'start', target: 'wait' },
  { type: 'node.started', runId: 'r1', at: at(0), nodeId: 'wait' },
  { type: 'run.suspended', runId: 'r1', at: at(0), nodeId: 'wait', until: UNTIL },
]
const afterTheWait: TraceEvent[] = [
  { type: 'run.resumed', runId: 'r1', at: UNTIL, nodeId: 'wait', reason: 'wait' },
  {
    type: 'node.finished',
    runId: 'r1',
    at: UNTIL,
    nodeId: 'wait',
    output: { waitedMs: 3_540_000 },
    durationMs: 1,
  },
  { type: 'edge.taken', runId: 'r1', at: UNTIL, edgeId: 'wait->send', source: 'wait', target: 'send' },
  { type: 'node.started', runId: 'r1', at: UNTIL, nodeId: 'send' },
]

describe('a live run that waits, is cancelled, or outlives a restart', () => {
  it('shows the run waiting at the wait step, and until when', () => {
    const trace = applyTraceEvents(newTrace('r1'), untilTheWait)
    expect(trace.status).toBe('waiting')
    expect(trace.waitingUntil).toBe(UNTIL)
    expect(trace.nodes.wait.status).toBe('waiting')
    expect(trace.steps.at(-1)).toMatchObject({ nodeId: 'wait', status: 'waiting' })
    expect(trace.nodes.send).toBeUndefined()
  })

  it('marks the step a person cancelled the run at, and the run cancelled', () => {
    const cancelled = applyTraceEvents(applyTraceEvents(newTrace('r1'), untilTheWait), [
      { type: 'run.finished', runId: 'r1', at: at(5), status: 'cancelled', durationMs: 3 },
    ])
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.waitingUntil).toBeUndefined()
    expect(cancelled.nodes.wait.status).toBe('cancelled')
    expect(cancelled.steps.at(-1)).toMatchObject({ nodeId: 'wait', status: 'cancelled' })
    // What had finished stays finished.
    expect(cancelled.nodes.start.status).toBe('succeeded')
  })

  it('goes on after the wait and notes where it resumed', () => {
    const trace = applyTraceEvents(newTrace('r1'), [...untilTheWait, ...afterTheWait])
    expect(trace.status).toBe('running')
    expect(trace.waitingUntil).toBeUndefined()
    expect(trace.nodes.wait.status).toBe('succeeded')
    expect(trace.steps.find((st) => st.nodeId === 'wait')?.status).toBe('succeeded')
    expect(trace.resumes).toEqual([{ at: UNTIL, reason: 'wait', nodeId: 'wait', beforeStep: 2 }])
  })

  it('after a restart, marks the step that was cut off and counts its repeat as the same visit', () => {
    const events: TraceEvent[] = [
      ...untilTheWait,
      ...afterTheWait,
      { type: 'run.resumed', runId: 'r1', at: at(59), reason: 'restart' },
      { type: 'node.started', runId: 'r1', at: at(59), nodeId: 'send' },
      { type: 'node.finished', runId: 'r1', at: at(59), nodeId: 'send', output: {}, durationMs: 2 },
      { type: 'run.finished', runId: 'r1', at: at(59), status: 'succeeded', durationMs: 9 },
    ]
    const trace = applyTraceEvents(newTrace('r1'), events)
    expect(trace.status).toBe('succeeded')
    expect(trace.resumes.map((r) => r.reason)).toEqual(['wait', 'restart'])
    expect(trace.resumes[1].beforeStep).toBe(3)
    expect(trace.steps.map((st) => `${st.nodeId}:${st.status}`)).toEqual([
      'start:succeeded',
      'wait:succeeded',
      'send:cut-off',
      'send:succeeded',
    ])
    expect(trace.nodes.send).toMatchObject({ status: 'succeeded', visits: 1 })
    // Steps that had finished before the restart were not run again.
    expect(trace.steps.filter((st) => st.nodeId === 'start')).toHaveLength(1)
    expect(trace.resumes[1].startedOver).toBeUndefined()
  })

  it('says so when a restart came before the first checkpoint and the run started over', () => {
    const events: TraceEvent[] = [
      ...untilTheWait.slice(0, 5),
      { type: 'run.resumed', runId: 'r1', at: at(3), reason: 'restart' },
      { type: 'run.started', runId: 'r1', at: at(3), dryRun: false, event: { userId: 'u1' } },
      { type: 'node.started', runId: 'r1', at: at(3), nodeId: 'start' },
    ]
    const trace = applyTraceEvents(newTrace('r1'), events)
    expect(trace.resumes).toMatchObject([{ reason: 'restart', startedOver: true, beforeStep: 2 }])
    // The run still began when it first did: the step timeline keeps its origin.
    expect(trace.startedAt).toBe(at(0))
    expect(trace.steps.map((st) => `${st.nodeId}:${st.status}`)).toEqual([
      'start:succeeded',
      'wait:cut-off',
      'start:running',
    ])
  })
})

describe('a run that waits for an approval or an event', () => {
  const approval = parse(`Discount approval
n1: circle label:"Start" type:start config:{}
n2: diamond label:"Approve" type:approval config:{"assignees": "editor, ana@example.com", "title": "Approve the discount", "timeout": "2d"}
n3: circle label:"Offer" type:end config:{}
n4: circle label:"No offer" type:end config:{}
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left) [label="approved"]
n2.handle(bottom) -> n4.handle(top) [label="rejected"]
`).workflow as Workflow
  const event = { type: 'track', event: 'Cancel Requested', userId: 'u-7' }

  it('keeps what the run waits for, at which step, until when and who decides', async () => {
    const first = await runWorkflow(approval, { runId: 'r1', event, askAtWaits: true })
    const trace = applyTraceEvents(newTrace('r1'), first.events as TraceEvent[])
    expect(trace.status).toBe('waiting')
    expect(trace.waitingFor).toMatchObject({
      nodeId: 'n2',
      kind: 'approval',
      title: 'Approve the discount',
      assignees: ['editor', 'ana@example.com'],
    })
    expect(trace.waitingFor?.until).toBe(first.resumeAt)
    expect(trace.nodes.n2.status).toBe('waiting')
  })

  it('goes on along the branch decided, and says who decided', async () => {
    const first = await runWorkflow(approval, { runId: 'r1', event, askAtWaits: true })
    const next = await resumeRun(approval, first.state!, {
      wake: {
        branch: 'approved',
        output: { decision: 'approved' },
        reason: 'approval',
        by: 'ana@example.com',
      },
    })
    const trace = applyTraceEvents(newTrace('r1'), [...first.events!, ...next.events!] as TraceEvent[])
    expect(trace.status).toBe('succeeded')
    expect(trace.waitingFor).toBeUndefined()
    expect(trace.nodes.n2.status).toBe('succeeded')
    expect(trace.nodes.n3.status).toBe('succeeded')
    expect(trace.nodes.n4.status).toBe('skipped')
    expect(trace.resumes).toMatchObject([{ reason: 'approval', branch: 'approved', by: 'ana@example.com' }])
  })

  it('calls a wait without `for` a wait for a time', () => {
    const trace = applyTraceEvents(newTrace('r1'), untilTheWait)
    expect(trace.waitingFor).toEqual({ nodeId: 'wait', kind: 'time', until: UNTIL })
  })
})

describe('run trace on the canvas', () => {
  it('lights up the path a purchase by a push user took, and rules out the other branches', async () => {
    const trace = applyTraceEvents(newTrace('r1'), await traceOf(purchasePush, confident))
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
    const trace = applyTraceEvents(newTrace('r1'), await traceOf(purchasePush, broken))
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
      live = applyTraceEvents(live, [e])
      if (e.type === 'node.finished' && e.nodeId === 'n1') n1Entry = live.nodes.n1
    }
    expect(live.nodes.n1).toBe(n1Entry)
    const batch = applyTraceEvents(newTrace('r1'), events)
    expect(live.nodes).toEqual(batch.nodes)
    expect(live.steps).toEqual(batch.steps)
  })

  it('ignores events of another run', async () => {
    const events = await traceOf(purchasePush, confident)
    expect(applyTraceEvents(newTrace('other'), events).nodes).toEqual({})
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
