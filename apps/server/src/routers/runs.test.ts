import { randomUUID } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { now } from '../db'
import type { TraceEvent, Workflow } from '../services/engine'
import { dialects } from '../testing/databases'
import { createTestApp, type TestApp } from '../testing/harness'
import { segmentEvent } from '../testing/http-client'

const pageEvent = (userId = 'user-42', channel = 'email') => ({
  type: 'page',
  name: 'Trail running shoes',
  userId,
  messageId: randomUUID(),
  context: { traits: { email: 'x@example.com', preferred_channel: channel } },
})

async function finished(app: TestApp, runId: string) {
  await app.settle()
  return app.as(app.users.viewer).runs.get({ runId })
}

describe.each(dialects)('runs (%s)', (dialect) => {
  let app: TestApp
  let workflowId: string
  beforeEach(async () => {
    app = await createTestApp(dialect)
    workflowId = (await app.as(app.users.editor).workflows.create({ template: 'personalization' })).id
  })
  afterEach(() => app.close())

  it('test-runs the latest saved version dry, storing the whole trace', async () => {
    const { runId } = await app
      .as(app.users.editor)
      .runs.start({ workflowId, event: pageEvent('user-1', 'push') })
    const { run, events } = await finished(app, runId)
    expect(run).toMatchObject({
      workflowId,
      version: 1,
      kind: 'test',
      trigger: 'manual',
      status: 'succeeded',
      dryRun: true,
      actor: 'editor@example.com',
    })
    expect(run.durationMs).toBeGreaterThanOrEqual(0)
    expect(events[0].type).toBe('run.started')
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded' })
    const finishedNodes = events
      .filter((e) => e.type === 'node.finished')
      .map((e) => (e as { nodeId: string }).nodeId)
    expect(finishedNodes).toEqual(expect.arrayContaining(['n1', 'n5', 'n8', 'n15', 'n19', 'n20']))
    expect(finishedNodes).not.toContain('n18')
    // The side effect was recorded, not sent.
    const braze = events.find((e) => e.type === 'node.finished' && e.nodeId === 'n15') as Extract<
      TraceEvent,
      { type: 'node.finished' }
    >
    expect(braze.request?.url).toContain('braze.com')

    const audit = await app.as(app.users.viewer).audit.list({ workflowId, action: 'run.test' })
    expect(audit[0].details).toMatchObject({ runId, dryRun: true })
  })

  it('runs an unsaved draft with mocks pinning a node', async () => {
    const editor = app.as(app.users.editor)
    const model = (await editor.workflows.get({ id: workflowId })).version.model
    const draft: Workflow = { ...model, title: 'Draft title' }
    const mocks = {
      n8: {
        status: 200,
        headers: {},
        body: { confidence: 0.99, recommendations: [{ id: 'a', title: 'A', score: 1 }] },
      },
    }
    const { runId } = await editor.runs.start({ workflowId, model: draft, event: pageEvent(), mocks })
    const { run, events } = await finished(app, runId)
    expect(run).toMatchObject({ version: null, status: 'succeeded', mocks })
    expect(run.model?.title).toBe('Draft title')
    expect(events.find((e) => e.type === 'node.finished' && e.nodeId === 'n8')).toMatchObject({
      mocked: true,
    })
    expect(events.some((e) => e.type === 'node.finished' && e.nodeId === 'n11')).toBe(true)
  })

  it('records a failing run with its reason', async () => {
    const { runId } = await app.as(app.users.editor).runs.start({ workflowId, event: 'not an object' })
    const { run, events } = await finished(app, runId)
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/JSON object/)
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed' })
  })

  it('streams the trace through the subscription and resumes after an event id', async () => {
    const editor = app.as(app.users.editor)
    const { runId } = await editor.runs.start({ workflowId, event: pageEvent() })
    const live: [string, TraceEvent][] = []
    for await (const [id, event] of (await editor.runs.onTrace({ runId })) as AsyncIterable<
      [string, TraceEvent]
    >)
      live.push([id, event])
    expect(live.map(([id]) => id)).toEqual(live.map((_, i) => String(i + 1)))
    expect(live.at(-1)?.[1].type).toBe('run.finished')

    await app.settle()
    const replay: string[] = []
    for await (const [id] of (await editor.runs.onTrace({ runId, lastEventId: '5' })) as AsyncIterable<
      [string]
    >)
      replay.push(id)
    expect(replay).toEqual(live.slice(5).map(([id]) => id))
  })

  it('lists runs with filters', async () => {
    const editor = app.as(app.users.editor)
    const a = await editor.runs.start({ workflowId, event: pageEvent() })
    const b = await editor.runs.start({ workflowId, event: 42 })
    await app.settle()
    const viewer = app.as(app.users.viewer)
    expect((await viewer.runs.list({ workflowId })).map((r) => r.id).sort()).toEqual(
      [a.runId, b.runId].sort(),
    )
    expect((await viewer.runs.list({ status: 'failed' })).map((r) => r.id)).toEqual([b.runId])
    expect(await viewer.runs.list({ kind: 'production' })).toEqual([])
    expect(await viewer.runs.list({ version: 7 })).toEqual([])
    expect(await viewer.runs.list({ from: '2999-01-01T00:00:00.000Z' })).toEqual([])
    expect(await viewer.runs.list({ limit: 1 })).toHaveLength(1)
  })

  it('suspends a live run at a wait and resumes it', async () => {
    const model: Workflow = {
      title: 'Wait a moment',
      description: '',
      groups: [],
      nodes: [
        { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
        { id: 'w', group: null, shape: 'rectangle', label: 'Wait', type: 'wait', config: { duration: 300 } },
        { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
      ],
      edges: [
        { id: 's-w', source: 's', sourceHandle: 'right', target: 'w', targetHandle: 'left' },
        { id: 'w-e', source: 'w', sourceHandle: 'right', target: 'e', targetHandle: 'left' },
      ],
    }
    const editor = app.as(app.users.editor)
    const { id } = await editor.workflows.create({ model })
    const { runId } = await editor.runs.start({ workflowId: id, event: segmentEvent('wait-1'), live: true })
    await app.settle()
    const waiting = await editor.runs.get({ runId })
    expect(waiting.run).toMatchObject({ status: 'waiting', waitingUntil: expect.any(String) })
    expect(waiting.events.at(-1)?.type).toBe('run.suspended')

    const ids: string[] = []
    for await (const [seq] of (await editor.runs.onTrace({
      runId,
      lastEventId: String(waiting.events.length),
    })) as AsyncIterable<[string]>) {
      ids.push(seq)
    }
    const done = await editor.runs.get({ runId })
    expect(done.run).toMatchObject({ status: 'succeeded', waitingUntil: null })
    expect(done.events.map((e) => e.type)).toContain('run.resumed')
    expect(ids[0]).toBe(String(waiting.events.length + 1))
  })

  it('resumes runs a crashed process left unfinished: queued from the start, running from their checkpoint', async () => {
    const row = {
      workflow_id: workflowId,
      version: 1,
      model: null,
      kind: 'test' as const,
      trigger: 'manual',
      dry_run: 1,
      message_id: null,
      event: JSON.stringify(pageEvent('user-7')),
      mocks: null,
      error: null,
      actor: null,
      started_at: now(),
      finished_at: null,
      duration_ms: null,
      resume_at: null,
      retry_of: null,
      state: null,
    }
    await app.db
      .insertInto('runs')
      .values({ ...row, id: 'left-queued', status: 'queued' })
      .execute()
    await app.db
      .insertInto('runs')
      .values({ ...row, id: 'left-running', status: 'running' })
      .execute()
    expect(await app.services.runs.recover()).toBe(2)
    const viewer = app.as(app.users.viewer)
    for (const runId of ['left-queued', 'left-running']) {
      const { run, events } = await finished(app, runId)
      expect(run.status).toBe('succeeded')
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded' })
    }
    expect(await viewer.runs.list({ status: 'queued' })).toEqual([])
  })

  it('cancels a waiting run and retries it as a new linked run', async () => {
    const model: Workflow = {
      title: 'Wait a day',
      description: '',
      groups: [],
      nodes: [
        { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
        { id: 'w', group: null, shape: 'rectangle', label: 'Wait', type: 'wait', config: { duration: '1d' } },
        { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
      ],
      edges: [
        { id: 's-w', source: 's', sourceHandle: 'right', target: 'w', targetHandle: 'left' },
        { id: 'w-e', source: 'w', sourceHandle: 'right', target: 'e', targetHandle: 'left' },
      ],
    }
    const editor = app.as(app.users.editor)
    const { id } = await editor.workflows.create({ model })
    const { runId } = await editor.runs.start({ workflowId: id, event: segmentEvent('wait-2'), live: true })
    await app.settle()
    expect((await editor.runs.get({ runId })).run.status).toBe('waiting')
    await expect(app.as(app.users.viewer).runs.cancel({ runId })).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(editor.runs.retry({ runId })).rejects.toMatchObject({ code: 'CONFLICT' })

    expect(await editor.runs.cancel({ runId })).toEqual({ status: 'cancelled' })
    const cancelled = await editor.runs.get({ runId })
    expect(cancelled.run).toMatchObject({ status: 'cancelled', error: 'cancelled by editor@example.com' })
    expect(cancelled.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'cancelled' })
    await expect(editor.runs.cancel({ runId })).rejects.toMatchObject({ code: 'CONFLICT' })

    const retry = await editor.runs.retry({ runId })
    await app.settle()
    const again = await editor.runs.get({ runId: retry.runId })
    expect(again.run).toMatchObject({ status: 'waiting', retryOf: runId, trigger: 'retry', dryRun: false })
    const actions = (await app.as(app.users.viewer).audit.list({ workflowId: id })).map(
      (a: { action: string }) => a.action,
    )
    expect(actions).toEqual(expect.arrayContaining(['run.cancel', 'run.retry']))
  })

  it('refuses runs of unknown workflows or versions', async () => {
    const editor = app.as(app.users.editor)
    await expect(editor.runs.start({ workflowId: 'wf_missing', event: {} })).rejects.toBeInstanceOf(TRPCError)
    await expect(editor.runs.start({ workflowId, version: 9, event: {} })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})
