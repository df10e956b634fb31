import { createHmac } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { dialects } from '../testing/databases'
import { createTestApp, loginCookie, startTestServer, type TestApp } from '../testing/harness'
import { segmentEvent, trpcHttp } from '../testing/http-client'

async function code(p: Promise<unknown>) {
  try {
    await p
    return 'OK'
  } catch (err) {
    return err instanceof TRPCError ? err.code : String((err as { code?: string }).code ?? err)
  }
}

/** The smallest workflow that publishes: an event start straight to an end. */
const TINY =
  'Tiny\n\nn1: circle label:"Start" type:start\nn2: circle label:"End" type:end\nn1.handle(right) -> n2.handle(left)\n'

describe.each(dialects)('workflow lifecycle (%s)', (dialect) => {
  let app: TestApp
  beforeEach(async () => {
    app = await createTestApp(dialect)
  })
  afterEach(() => app.close())

  it('renames as a new version, audited with the old and new name', async () => {
    const editor = app.as(app.users.editor)
    const { id } = await editor.workflows.create({ title: 'Welcome series' })
    expect(await editor.workflows.rename({ id, title: '  Win-back  ' })).toMatchObject({
      version: 2,
      title: 'Win-back',
    })
    const got = await editor.workflows.get({ id })
    expect(got).toMatchObject({ title: 'Win-back', latestVersion: 2 })
    expect(got.version.model.title).toBe('Win-back')
    expect(got.version.message).toBe('Renamed to “Win-back”')
    expect((await editor.workflows.list())[0]).toMatchObject({ id, title: 'Win-back' })
    expect(await code(editor.workflows.rename({ id, title: '   ' }))).toBe('BAD_REQUEST')
    expect(await code(app.as(app.users.viewer).workflows.rename({ id, title: 'Mine' }))).toBe('FORBIDDEN')
    const [entry] = await editor.audit.list({ workflowId: id, action: 'workflow.rename' })
    expect(entry).toMatchObject({
      actor: 'editor@example.com',
      details: { from: 'Welcome series', to: 'Win-back', version: 2 },
    })
  })

  it('deletes a never-published draft with its test runs; refuses once it was published', async () => {
    const editor = app.as(app.users.editor)
    const draft = await editor.workflows.create({ notation: TINY })
    const { runId } = await editor.runs.start({ workflowId: draft.id, event: segmentEvent('t-1') })
    await app.settle()
    expect(await code(app.as(app.users.viewer).workflows.delete({ id: draft.id }))).toBe('FORBIDDEN')
    expect((await editor.workflows.list()).find((w) => w.id === draft.id)).toMatchObject({
      everPublished: false,
    })
    expect(await editor.workflows.delete({ id: draft.id })).toEqual({ id: draft.id, deleted: true })
    expect(await code(editor.workflows.get({ id: draft.id }))).toBe('NOT_FOUND')
    expect(await code(editor.runs.get({ runId }))).toBe('NOT_FOUND')
    expect(await editor.runs.list({ workflowId: draft.id })).toEqual([])
    // The audit log keeps the deletion (append-only), with the title it had.
    const [entry] = await editor.audit.list({ workflowId: draft.id, action: 'workflow.delete' })
    expect(entry).toMatchObject({ actor: 'editor@example.com', details: { title: 'Tiny', versions: 1 } })

    const live = await editor.workflows.create({ notation: TINY })
    await editor.workflows.publish({ id: live.id, version: 1 })
    await editor.workflows.unpublish({ id: live.id })
    expect((await editor.workflows.list()).find((w) => w.id === live.id)).toMatchObject({
      status: 'draft',
      everPublished: true,
    })
    expect(await code(editor.workflows.delete({ id: live.id }))).toBe('PRECONDITION_FAILED')
    expect((await editor.workflows.get({ id: live.id })).id).toBe(live.id)
  })

  it('restores an old version as the newest draft, leaving the published one live', async () => {
    const editor = app.as(app.users.editor)
    const { id } = await editor.workflows.create({ notation: TINY })
    const v1 = (await editor.workflows.get({ id })).version.model
    await editor.workflows.publish({ id, version: 1 })
    const changed = { ...v1, nodes: v1.nodes.map((n) => (n.id === 'n2' ? { ...n, label: 'Done' } : n)) }
    await editor.workflows.save({ id, baseVersion: 1, model: changed })
    expect(await code(app.as(app.users.viewer).versions.restore({ workflowId: id, version: 1 }))).toBe(
      'FORBIDDEN',
    )
    expect(await editor.versions.restore({ workflowId: id, version: 1 })).toMatchObject({ version: 3 })
    const got = await editor.workflows.get({ id })
    expect(got).toMatchObject({ latestVersion: 3, publishedVersion: 1 })
    expect(got.version.model).toEqual(v1)
    expect(got.version.message).toBe('Restored from version 1')
    expect(await code(editor.versions.restore({ workflowId: id, version: 9 }))).toBe('NOT_FOUND')
    const [entry] = await editor.audit.list({ workflowId: id, action: 'workflow.restore' })
    expect(entry.details).toEqual({ from: 1, version: 3 })
  })

  it('archives and unarchives (archiving unpublishes), duplicates and unpublishes, each audited', async () => {
    const editor = app.as(app.users.editor)
    const { id } = await editor.workflows.create({ notation: TINY })
    await editor.workflows.publish({ id, version: 1 })
    await editor.workflows.archive({ id })
    expect(await code(editor.workflows.rename({ id, title: 'Nope' }))).toBe('PRECONDITION_FAILED')
    expect(await editor.workflows.get({ id })).toMatchObject({ archived: true, publishedVersion: null })
    await editor.workflows.archive({ id, archived: false })
    await editor.workflows.publish({ id, version: 1 })
    await editor.workflows.unpublish({ id })
    const copy = await editor.workflows.duplicate({ id })
    expect((await editor.workflows.get({ id: copy.id })).title).toBe('Copy of Tiny')
    expect((await editor.audit.list({ workflowId: id })).map((a) => a.action)).toEqual([
      'workflow.unpublish',
      'workflow.publish',
      'workflow.unarchive',
      'workflow.archive',
      'workflow.publish',
      'workflow.create',
    ])
    expect((await editor.audit.list({ workflowId: copy.id }))[0]).toMatchObject({
      action: 'workflow.duplicate',
      details: { from: id },
    })
  })

  it('creates from a template under the name asked for first', async () => {
    const { id } = await app
      .as(app.users.editor)
      .workflows.create({ template: 'personalization', title: 'Spring campaign' })
    const got = await app.as(app.users.viewer).workflows.get({ id })
    expect(got.title).toBe('Spring campaign')
    expect(got.version.model.nodes.length).toBeGreaterThan(10)
  })

  it('judges Publish by the connections that exist now, as the editor does', async () => {
    const editor = app.as(app.users.editor)
    const { id } = await editor.workflows.create({ template: 'personalization' })
    // Saved without a Braze connection: the stored verdict has connection errors.
    expect((await editor.versions.list({ workflowId: id }))[0].errorCount).toBeGreaterThan(0)
    const refused = await code(editor.workflows.publish({ id, version: 1 }))
    expect(refused).toBe('PRECONDITION_FAILED')
    await expect(editor.workflows.publish({ id, version: 1 })).rejects.toThrow(
      /cannot send: n\d+: choose a Braze connection/,
    )
  })
})

describe.each(dialects)('trigger setup over HTTP (%s)', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let cookie: string
  let viewerCookie: string
  beforeAll(async () => {
    server = await startTestServer(dialect)
    cookie = await loginCookie(server.url)
    await trpcHttp(
      server.url,
      'users.create',
      { email: 'viewer@example.com', password: 'viewer password', role: 'viewer' },
      { cookie },
    )
    viewerCookie = await loginCookie(server.url, 'viewer@example.com', 'viewer password')
  })
  afterAll(() => server.close())

  const call = <T>(path: string, input: unknown, type: 'query' | 'mutation' = 'mutation', c = cookie) =>
    trpcHttp<T>(server.url, path, input, { cookie: c, type })

  it('generates a signing secret shown once, and the test event is a real signed delivery whose run is listed', async () => {
    const { id } = await call<{ id: string }>('workflows.create', { notation: TINY })
    // Not live yet: the hook answers 404, and so does the test delivery.
    expect(await call('workflows.sendTestEvent', { id, event: segmentEvent('early') })).toMatchObject({
      status: 404,
      runId: null,
    })
    await call('workflows.publish', { id, version: 1 })
    await expect(
      call('workflows.generateWebhookSecret', { id }, 'mutation', viewerCookie),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    const { secret } = await call<{ secret: string }>('workflows.generateWebhookSecret', { id })
    expect(secret).toMatch(/^[0-9a-f]{48}$/)
    const got = await call<{ webhookSecretSet: boolean; webhookPath: string }>(
      'workflows.get',
      { id },
      'query',
    )
    expect(got).toMatchObject({ webhookSecretSet: true, webhookPath: `/api/hooks/${id}` })
    expect(JSON.stringify(got)).not.toContain(secret)

    // The contract: without the signature the hook refuses; signed with the secret it accepts.
    const body = JSON.stringify(segmentEvent('by-hand'))
    const hook = `${server.url}${got.webhookPath}`
    const unsigned = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(unsigned.status).toBe(401)
    const signed = await fetch(hook, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': createHmac('sha1', secret).update(body).digest('hex'),
      },
      body,
    })
    expect(signed.status).toBe(202)

    // The button: the server signs with the secret it keeps; each send is a new message.
    const first = await call<{ status: number; runId: string }>('workflows.sendTestEvent', {
      id,
      event: segmentEvent('sample'),
    })
    const second = await call<{ status: number; runId: string }>('workflows.sendTestEvent', {
      id,
      event: segmentEvent('sample'),
    })
    expect(first.status).toBe(202)
    expect(second.status).toBe(202)
    expect(second.runId).not.toBe(first.runId)
    const deliveries = await call<{ id: string; kind: string }[]>(
      'runs.list',
      { workflowId: id, kind: 'production', limit: 20 },
      'query',
      viewerCookie,
    )
    expect(deliveries.map((r) => r.id)).toEqual(expect.arrayContaining([first.runId, second.runId]))
    expect(deliveries.every((r) => r.kind === 'production')).toBe(true)

    const audit = await call<{ action: string; details: unknown }[]>(
      'audit.list',
      { workflowId: id },
      'query',
    )
    expect(audit.filter((a) => a.action === 'workflow.test-event')).toHaveLength(3)
    expect(audit.find((a) => a.action === 'workflow.webhook-secret')?.details).toEqual({ set: true })
    expect(JSON.stringify(audit)).not.toContain(secret)
  })
})
