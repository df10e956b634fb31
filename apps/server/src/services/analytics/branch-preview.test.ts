import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects } from '../../testing/databases'
import { createTestApp, type TestApp } from '../../testing/harness'
import { type StubServer, startStubServer } from '../../testing/stub-server'
import type { Workflow } from '../engine'
import type { PreviewStatus } from './branch-preview'

/** The recommender's confidence per user: 7 of 10 above 0.7, 3 of 10 above 0.9. */
const CONFIDENCE: Record<string, number> = {
  u0: 0.95,
  u1: 0.8,
  u2: 0.75,
  u3: 0.92,
  u4: 0.5,
  u5: 0.3,
  u6: 0.85,
  u7: 0.99,
  u8: 0.1,
  u9: 0.72,
}
/** Between 0.7 and 0.9: personalized before, default content after the threshold moves. */
const MOVED = ['u1', 'u2', 'u6', 'u9']

type Node = Workflow['nodes'][number]
const node = (id: string, type: string, config: unknown, shape: Node['shape'] = 'rectangle'): Node => ({
  id,
  group: null,
  shape,
  label: id,
  type,
  config,
})
const edge = (id: string, source: string, target: string, label?: string): Workflow['edges'][number] => ({
  id,
  source,
  sourceHandle: 'right',
  target,
  targetHandle: 'left',
  ...(label ? { label } : {}),
})

/** Asks the recommender (a read), splits on its confidence, and posts the personalized pick (a side effect). */
function recommendFlow(stubUrl: string, threshold: string): Workflow {
  return {
    title: 'Recommend',
    description: '',
    groups: [],
    nodes: [
      node('start', 'start', {}, 'circle'),
      node('rec', 'http-request', {
        method: 'POST',
        url: `${stubUrl}/recommend`,
        headers: {},
        body: '{"userId": event.userId}',
        sideEffect: false,
      }),
      node('confident', 'decision', { subject: 'steps.rec.body.confidence' }, 'diamond'),
      node('send', 'http-request', {
        method: 'POST',
        url: `${stubUrl}/send`,
        headers: {},
        body: '{"userId": event.userId}',
      }),
      node('fallback', 'transform', { vars: { content: '"default"' } }),
      node('done', 'end', {}, 'circle'),
      node('plain', 'end', {}, 'circle'),
    ],
    edges: [
      edge('e-start', 'start', 'rec'),
      edge('e-rec', 'rec', 'confident'),
      edge('e-high', 'confident', 'send', `> ${threshold}`),
      edge('e-low', 'confident', 'fallback', `<= ${threshold}`),
      edge('e-send', 'send', 'done'),
      edge('e-fallback', 'fallback', 'plain'),
    ],
  }
}

describe.each(dialects)('branch preview (%s)', (dialect) => {
  let app: TestApp
  let stub: StubServer
  let workflowId: string

  const preview = () => app.as(app.users.editor).analytics.preview

  async function finished(previewId: string): Promise<PreviewStatus> {
    for (let i = 0; i < 600; i++) {
      const status = await preview().status({ previewId })
      if (status.finished) return status
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('the preview did not finish')
  }

  beforeAll(async () => {
    stub = await startStubServer((req) => {
      const userId = (req.body as { userId?: string })?.userId ?? ''
      return { body: req.path === '/recommend' ? { confidence: CONFIDENCE[userId] } : { sent: true } }
    })
    // Real HTTP client on real run threads: production traces record what the stub answered.
    app = await createTestApp(dialect, { allowHosts: '127.0.0.1', runDeps: {} })
    const editor = app.as(app.users.editor)
    workflowId = (await editor.workflows.create({ model: recommendFlow(stub.url, '0.7') })).id
    await editor.workflows.publish({ id: workflowId, version: 1 })
    for (const userId of Object.keys(CONFIDENCE)) {
      const event = { type: 'track', event: 'Viewed', userId, messageId: randomUUID() }
      await app.services.runs.acceptWebhook(workflowId, 1, event, event.messageId)
    }
    await app.settle()
    // The draft moves the threshold; edge ids stay.
    await editor.workflows.save({ id: workflowId, baseVersion: 1, model: recommendFlow(stub.url, '0.9') })
  }, 60_000)
  afterAll(async () => {
    await app?.close()
    await stub?.close()
  })

  it('shows the share change per edge and exactly the events whose path changed, calling no API', async () => {
    const production = await app.db
      .selectFrom('runs')
      .select('status')
      .where('kind', '=', 'production')
      .execute()
    expect(production.map((r) => r.status)).toEqual(Array(10).fill('succeeded'))
    stub.reset()

    const { previewId } = await preview().start({ workflowId, draftVersion: 2 })
    const status = await finished(previewId)

    expect(status).toMatchObject({
      total: 10,
      done: 10,
      cancelled: false,
      error: null,
      skipped: 0,
      liveReads: [],
    })
    const byId = Object.fromEntries(status.edges.map((e) => [e.edgeId, e]))
    expect(byId['e-high']).toMatchObject({
      label: '> 0.9',
      publishedLabel: '> 0.7',
      published: { count: 7, share: 0.7 },
      draft: { count: 3, share: 0.3 },
    })
    expect(byId['e-low']).toMatchObject({
      published: { count: 3, share: 0.3 },
      draft: { count: 7, share: 0.7 },
    })
    expect(byId['e-rec']).toMatchObject({
      published: { count: 10, share: 1 },
      draft: { count: 10, share: 1 },
    })

    const changedUsers = status.changed.map((c) => c.summary.split(' · ')[1]).sort()
    expect(changedUsers).toEqual(MOVED)
    expect(status.changedCount).toBe(MOVED.length)
    for (const c of status.changed) {
      expect(c.publishedPath.tokens).toContain('t:e-high')
      expect(c.draftPath.tokens).toContain('t:e-low')
    }
    // Each changed event opens its dry run, which ran the draft with the recorded read pinned.
    const dry = await app.as(app.users.editor).runs.get({ runId: status.changed[0].dryRunId })
    expect(dry).toMatchObject({ run: { dryRun: true, version: 2, status: 'succeeded' } })

    // The recommender's answers came from the recorded traces; nothing was sent.
    expect(stub.requests).toEqual([])

    // One audit entry for the preview, not one per replay; the replays stay out of run lists.
    const audited = await app.db
      .selectFrom('audit_log')
      .select('action')
      .where('workflow_id', '=', workflowId)
      .where('action', 'in', ['analytics.preview', 'run.test'])
      .execute()
    expect(audited.map((a) => a.action)).toEqual(['analytics.preview'])
    const listed = await app.as(app.users.editor).runs.list({ workflowId, kind: 'test' })
    expect(listed).toEqual([])
  }, 60_000)

  it('stops when cancelled, leaving no dry run behind', async () => {
    const { previewId } = await preview().start({ workflowId, draftVersion: 2 })
    expect(await preview().cancel({ previewId })).toEqual({ cancelled: true })
    const status = await finished(previewId)
    expect(status.cancelled).toBe(true)
    expect(status.done).toBeLessThan(10)
    await app.settle()
    const unfinished = await app.db
      .selectFrom('runs')
      .select('id')
      .where('kind', '=', 'test')
      .where('status', 'in', ['queued', 'running', 'waiting'])
      .execute()
    expect(unfinished).toEqual([])
  }, 60_000)

  it('lets only editors start a preview', async () => {
    await expect(
      app.as(app.users.viewer).analytics.preview.start({ workflowId, draftVersion: 2 }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })
})
