import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dialects } from '../testing/databases'
import { step } from '../testing/flows'
import { createTestApp, secondProcess, type TestApp } from '../testing/harness'
import type { TraceEvent, Workflow } from './engine'

type Node = Workflow['nodes'][number]
const node = step

/** start → wait step → one end per branch. */
function waitingFlow(step: Node, branches: string[]): Workflow {
  return {
    title: `Waits at ${step.type}`,
    description: '',
    groups: [],
    nodes: [
      node('s', 'start', {}, 'circle'),
      step,
      ...branches.map((b) => node(`end_${b}`, 'end', {}, 'circle')),
    ],
    edges: [
      { id: 'e0', source: 's', sourceHandle: 'right', target: step.id, targetHandle: 'left' },
      ...branches.map((b, i) => ({
        id: `e${i + 1}`,
        source: step.id,
        sourceHandle: 'right' as const,
        target: `end_${b}`,
        targetHandle: 'left' as const,
        label: b,
      })),
    ],
  }
}

const offerFlow = waitingFlow(
  node('w', 'wait-for-event', { filter: 'event = "Offer Accepted"', timeout: '3d' }, 'diamond'),
  ['received', 'timeout'],
)
const disputeFlow = waitingFlow(
  node(
    'a',
    'approval',
    {
      assignees: 'editor2@example.com',
      title: 'Refund {{ event.properties.amount }} EUR?',
      details: 'User {{ event.userId }} disputes a charge.',
      timeout: '2d',
    },
    'diamond',
  ),
  ['approved', 'rejected', 'timeout'],
)

const cancelRequested = (userId: string) => ({ type: 'track', event: 'Cancel Requested', userId })
const offerAccepted = (userId: string) => ({ type: 'track', event: 'Offer Accepted', userId })
const tookBranch = (events: TraceEvent[], target: string) =>
  events.some((e) => e.type === 'node.finished' && e.nodeId === target)

describe.each(dialects)('runs waiting for events and people (%s)', (dialect) => {
  let app: TestApp
  let skewMs = 0
  const clock = () => Date.now() + skewMs
  beforeEach(async () => {
    skewMs = 0
    app = await createTestApp(dialect, { clock })
  })
  afterEach(async () => {
    await app?.close()
  })

  /** A live run of the workflow's saved version, settled at its wait. */
  async function waitingRun(model: Workflow, event: unknown) {
    const editor = app.as(app.users.editor)
    const { id: workflowId } = await editor.workflows.create({ model })
    const { runId } = await editor.runs.start({ workflowId, event, live: true })
    await app.settle()
    return { workflowId, runId }
  }

  it('resumes the run whose key matches an event that passes the filter, along "received"', async () => {
    const { workflowId, runId } = await waitingRun(offerFlow, cancelRequested('u-1'))
    const other = await app
      .as(app.users.editor)
      .runs.start({ workflowId, event: cancelRequested('u-2'), live: true })
    await app.settle()
    const viewer = app.as(app.users.viewer)
    const waiting = (await viewer.runs.get({ runId })).run
    expect(waiting).toMatchObject({
      status: 'waiting',
      waitingFor: { nodeId: 'w', kind: 'event', test: false },
    })
    expect((await viewer.runs.list({ status: 'waiting' })).map((r) => r.waitingKind)).toEqual([
      'event',
      'event',
    ])

    // Another user's answer, or the same user doing something else, resumes nothing.
    expect(await app.services.waitingRuns.deliver(workflowId, offerAccepted('u-9'))).toEqual([])
    expect(await app.services.waitingRuns.deliver(workflowId, cancelRequested('u-1'))).toEqual([])
    expect(await app.services.waitingRuns.deliver(workflowId, offerAccepted('u-1'))).toEqual([runId])
    await app.settle()
    const { run, events } = await viewer.runs.get({ runId })
    expect(run).toMatchObject({ status: 'succeeded', waitingFor: null })
    expect(events.find((e) => e.type === 'run.resumed')).toMatchObject({
      reason: 'event',
      branch: 'received',
    })
    expect(events.find((e) => e.type === 'node.finished' && e.nodeId === 'w')).toMatchObject({
      output: offerAccepted('u-1'),
    })
    expect(tookBranch(events, 'end_received')).toBe(true)
    expect(tookBranch(events, 'end_timeout')).toBe(false)
    // Delivered again (Segment retries): the run is no longer waiting.
    expect(await app.services.waitingRuns.deliver(workflowId, offerAccepted('u-1'))).toEqual([])
    expect((await viewer.runs.get({ runId: other.runId })).run.status).toBe('waiting')
  })

  it('lets one of two events racing for a waiting run resume it', async () => {
    const { workflowId, runId } = await waitingRun(offerFlow, cancelRequested('u-1'))
    const results = await Promise.all(
      Array.from({ length: 5 }, () => app.services.waitingRuns.deliver(workflowId, offerAccepted('u-1'))),
    )
    expect(results.flat()).toEqual([runId])
    await app.settle()
    const { run, events } = await app.as(app.users.viewer).runs.get({ runId })
    expect(run.status).toBe('succeeded')
    expect(events.filter((e) => e.type === 'run.resumed')).toHaveLength(1)
  })

  it('takes the timeout exactly once, even with two schedulers, and no event resumes it afterwards', async () => {
    const { workflowId, runId } = await waitingRun(offerFlow, cancelRequested('u-1'))
    // Three days later, a second process over the same database races the first for the due run.
    skewMs = 3 * 86_400_000 + 1_000
    const second = await secondProcess(app.db, { clock })
    second.waits.start()
    const due = new Date(clock()).toISOString()
    app.services.waits.nudge(due)
    second.waits.nudge(due)
    await new Promise((r) => setTimeout(r, 300))
    await Promise.all([app.settle(), second.queue.drain(15_000)])
    await second.waits.stop()
    second.pool.close()
    const { run, events } = await app.as(app.users.viewer).runs.get({ runId })
    expect(run.status).toBe('succeeded')
    expect(events.filter((e) => e.type === 'run.resumed')).toEqual([
      expect.objectContaining({ reason: 'timeout', branch: 'timeout' }),
    ])
    expect(tookBranch(events, 'end_timeout')).toBe(true)
    expect(await app.services.waitingRuns.deliver(workflowId, offerAccepted('u-1'))).toEqual([])
  })

  it('resumes a run that waited across a restart: nothing about it lived in memory', async () => {
    const { workflowId, runId } = await waitingRun(offerFlow, cancelRequested('u-1'))
    await app.services.waits.stop()
    app.services.pool.close()
    const restarted = await secondProcess(app.db)
    expect(await restarted.runs.recover()).toBe(0)
    expect(await restarted.waitingRuns.deliver(workflowId, offerAccepted('u-1'))).toEqual([runId])
    await restarted.queue.drain(15_000)
    restarted.pool.close()
    const { run, events } = await restarted.runs.get(runId)
    expect(run.status).toBe('succeeded')
    expect(tookBranch(events, 'end_received')).toBe(true)
  })

  it('puts an approval in the assignee’s inbox; only they decide, once, audited and traced', async () => {
    const event = { type: 'track', event: 'Dispute Opened', userId: 'u-3', properties: { amount: 120 } }
    const { workflowId, runId } = await waitingRun(disputeFlow, event)
    const [editor, editor2, viewer] = [app.users.editor, app.users.editor2, app.users.viewer].map((u) =>
      app.as(u),
    )
    expect(await editor.inbox.list()).toEqual([])
    expect(await viewer.inbox.list()).toEqual([])
    const [task] = await editor2.inbox.list()
    expect(task).toMatchObject({
      runId,
      workflowId,
      workflowTitle: 'Waits at approval',
      nodeId: 'a',
      title: 'Refund 120 EUR?',
      details: 'User u-3 disputes a charge.',
      assignees: ['editor2@example.com'],
      test: false,
      event,
    })
    expect((await viewer.runs.get({ runId })).run.waitingFor).toMatchObject({
      kind: 'approval',
      title: 'Refund 120 EUR?',
    })

    await expect(viewer.inbox.decide({ runId, decision: 'approved' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(editor.inbox.decide({ runId, decision: 'approved' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Only editor2@example.com may decide this approval',
    })
    const decided = await editor2.inbox.decide({ runId, decision: 'rejected', comment: ' Not eligible ' })
    expect(decided).toMatchObject({
      decision: 'rejected',
      by: 'editor2@example.com',
      comment: 'Not eligible',
    })
    await expect(editor2.inbox.decide({ runId, decision: 'approved' })).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    await app.settle()

    const { run, events } = await viewer.runs.get({ runId })
    expect(run.status).toBe('succeeded')
    expect(events.find((e) => e.type === 'run.resumed')).toMatchObject({
      reason: 'approval',
      branch: 'rejected',
      by: 'editor2@example.com',
    })
    expect(tookBranch(events, 'end_rejected')).toBe(true)
    expect(await editor2.inbox.list()).toEqual([])
    const audit = await viewer.audit.list({ workflowId, action: 'run.reject' })
    expect(audit[0]).toMatchObject({
      actor: 'editor2@example.com',
      details: { runId, nodeId: 'a', comment: 'Not eligible' },
    })
  })

  it('lets the person testing pick the branch of a test run; live runs wait for the real thing', async () => {
    const editor = app.as(app.users.editor)
    const { id: workflowId } = await editor.workflows.create({ model: offerFlow })
    const { runId } = await editor.runs.start({ workflowId, event: cancelRequested('u-1') })
    await app.settle()
    expect((await editor.runs.get({ runId })).run.waitingFor).toMatchObject({ kind: 'event', test: true })
    // A live event does not reach a dry test run.
    expect(await app.services.waitingRuns.deliver(workflowId, offerAccepted('u-1'))).toEqual([])
    await expect(editor.runs.choose({ runId, branch: 'approved' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
    await expect(app.as(app.users.viewer).runs.choose({ runId, branch: 'timeout' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await editor.runs.choose({ runId, branch: 'timeout' })
    await app.settle()
    const { run, events } = await editor.runs.get({ runId })
    expect(run.status).toBe('succeeded')
    expect(events.find((e) => e.type === 'run.resumed')).toMatchObject({
      reason: 'choice',
      by: 'editor@example.com',
    })
    expect(tookBranch(events, 'end_timeout')).toBe(true)

    const live = await waitingRun(offerFlow, cancelRequested('u-5'))
    await expect(editor.runs.choose({ runId: live.runId, branch: 'received' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
  })

  it('cancelling a waiting approval takes it out of the inbox', async () => {
    const { runId } = await waitingRun(disputeFlow, { type: 'track', userId: 'u', properties: { amount: 1 } })
    const editor2 = app.as(app.users.editor2)
    expect(await editor2.inbox.list()).toHaveLength(1)
    await app.as(app.users.editor).runs.cancel({ runId })
    expect(await editor2.inbox.list()).toEqual([])
  })
})
