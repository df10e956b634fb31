import { TRPCError } from '@trpc/server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Workflow } from '../services/engine'
import { dialects } from '../testing/databases'
import { withBraze } from '../testing/fake-braze'
import { createTestApp, type TestApp } from '../testing/harness'
import { type StubServer, startStubServer } from '../testing/stub-server'

const SECRET = 'braze-SECRET-4f9a1c77e2'
const ROTATED = 'braze-ROTATED-0b8e55d1aa'

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'OK'
  } catch (err) {
    return err instanceof TRPCError ? `${err.code}: ${err.message}` : String(err)
  }
}

describe.each(dialects)('connections (%s)', (dialect) => {
  let app: TestApp
  let braze: StubServer
  beforeAll(async () => {
    // A Braze stand-in that only accepts the current key.
    braze = await startStubServer((req) =>
      req.headers.authorization === `Bearer ${SECRET}`
        ? { status: 200, body: { campaigns: [], message: 'success' } }
        : { status: 401, body: { message: 'Invalid API key' } },
    )
  })
  afterAll(() => braze.close())
  beforeEach(async () => {
    await app?.close()
    app = await createTestApp(dialect, { allowHosts: '127.0.0.1' })
  })
  afterAll(() => app.close())

  const create = (name = 'Braze US', restEndpoint = braze.url, secret = SECRET) =>
    app.as(app.users.editor).connections.create({ name, type: 'braze', config: { restEndpoint }, secret })

  it('stores the secret sealed and never hands it out; viewers see names only', async () => {
    const editor = app.as(app.users.editor)
    const { id } = await create()
    await editor.connections.create({
      name: 'Recommender',
      type: 'http',
      config: { baseUrl: 'https://reco.example.com/v2', auth: 'header', headerName: 'X-Api-Key' },
      secret: 'http-secret-value-1',
    })
    const asEditor = await editor.connections.list()
    expect(asEditor.map((c) => c.name)).toEqual(['Braze US', 'Recommender'])
    expect(asEditor[0]).toMatchObject({
      id,
      type: 'braze',
      config: { restEndpoint: braze.url },
      secretSet: true,
      createdBy: 'editor@example.com',
      usedBy: [],
    })
    const asViewer = await app.as(app.users.viewer).connections.list()
    expect(asViewer).toEqual([
      { id, name: 'Braze US', type: 'braze' },
      { id: asEditor[1].id, name: 'Recommender', type: 'http' },
    ])
    expect(await editor.connections.list({ type: 'http' })).toHaveLength(1)

    const row = await app.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.secret).toMatch(/^v1\./)
    const everything = JSON.stringify([
      asEditor,
      asViewer,
      await app.as(app.users.admin).connections.list(),
      await app.as(app.users.viewer).audit.list(),
      await app.db.selectFrom('audit_log').selectAll().execute(),
      row,
    ])
    for (const s of [SECRET, 'http-secret-value-1']) expect(everything).not.toContain(s)
    const audit = await app.as(app.users.viewer).audit.list({ action: 'connection.create' })
    expect(audit[1].details).toMatchObject({ name: 'Braze US', type: 'braze', secret: '••••' })
  })

  it('checks settings, secrets and names', async () => {
    const editor = app.as(app.users.editor)
    const bad = (input: Parameters<typeof editor.connections.create>[0]) =>
      code(editor.connections.create(input))
    expect(
      await bad({ name: 'x', type: 'braze', config: { restEndpoint: 'rest.braze.com' }, secret: 'k' }),
    ).toBe('BAD_REQUEST: restEndpoint: restEndpoint must start with https:// (or http://)')
    expect(await bad({ name: 'x', type: 'braze', config: { restEndpoint: 'https://rest.braze.com' } })).toBe(
      'BAD_REQUEST: secret: this connection needs a secret',
    )
    expect(
      await bad({
        name: 'x',
        type: 'http',
        config: { baseUrl: 'https://a.example', auth: 'header' },
        secret: 's',
      }),
    ).toBe('BAD_REQUEST: headerName: auth "header" needs a headerName')
    expect(
      await bad({ name: 'open', type: 'http', config: { baseUrl: 'https://a.example', auth: 'none' } }),
    ).toBe('OK')
    await create('Same name')
    expect(await code(create('Same name'))).toBe('CONFLICT: A connection named "Same name" exists already')
  })

  it('tests a connection through the guarded client and rotates its secret', async () => {
    const editor = app.as(app.users.editor)
    const { id } = await create()
    expect(await editor.connections.test({ id })).toMatchObject({
      ok: true,
      status: 200,
      message: 'Connected: Braze accepted the API key',
    })
    expect(braze.requests.at(-1)).toMatchObject({ method: 'GET', path: '/campaigns/list?page=0' })
    expect(await editor.connections.update({ id, secret: ROTATED })).toEqual({ id, secretRotated: true })
    expect(await editor.connections.test({ id })).toMatchObject({ ok: false, status: 401 })
    expect(braze.requests.at(-1)?.headers.authorization).toBe(`Bearer ${ROTATED}`)
    const audit = await app.as(app.users.viewer).audit.list({ action: 'connection.update' })
    expect(audit[0].details).toMatchObject({ changed: ['secret'], secret: '••••' })
    expect(JSON.stringify(await app.as(app.users.viewer).audit.list())).not.toContain(ROTATED)

    const internal = await create('Internal', 'http://10.0.0.1')
    const blocked = await editor.connections.test({ id: internal.id })
    expect(blocked.ok).toBe(false)
    expect(blocked.message).toContain('refused by the outbound guard: 10.0.0.1 is a private address')
  })

  it('validates references on save and refuses deleting a connection a workflow still uses', async () => {
    const editor = app.as(app.users.editor)
    const { id } = await create()
    const http = await editor.connections.create({
      name: 'Other API',
      type: 'http',
      config: { baseUrl: 'https://a.example', auth: 'bearer' },
      secret: 'tok-0123456789',
    })
    const wf = await editor.workflows.create({ template: 'personalization' })
    const model = (await editor.workflows.get({ id: wf.id })).version.model as Workflow
    expect((model.nodes.find((n) => n.id === 'n16')!.config as { connectionId: string }).connectionId).toBe(
      id,
    )

    const wrong = withBraze(model, http.id)
    const legacy: Workflow = {
      ...wrong,
      nodes: wrong.nodes.map((n) =>
        n.id === 'n15'
          ? { ...n, config: { ...(n.config as object), connectionId: 'conn_gone', apiKey: 'inline-key-123' } }
          : n,
      ),
    }
    const saved = await editor.workflows.save({ id: wf.id, baseVersion: 1, model: legacy })
    expect(
      saved.issues.filter((i) => i.code.startsWith('connection') || i.code === 'inline-credentials-removed'),
    ).toEqual([
      expect.objectContaining({ code: 'connection-not-found', nodeId: 'n15' }),
      expect.objectContaining({ code: 'connection-wrong-type', nodeId: 'n16' }),
      expect.objectContaining({ code: 'connection-wrong-type', nodeId: 'n18' }),
      expect.objectContaining({ code: 'connection-wrong-type', nodeId: 'n19' }),
      expect.objectContaining({ code: 'inline-credentials-removed', nodeId: 'n15', severity: 'warning' }),
    ])
    const stored = await editor.workflows.get({ id: wf.id })
    expect(JSON.stringify(stored)).not.toContain('inline-key-123')

    // Version 2 no longer uses the Braze connection, but version 1 is published.
    await editor.workflows.publish({ id: wf.id, version: 1 })
    const refused = await code(editor.connections.delete({ id }))
    expect(refused).toBe(
      'PRECONDITION_FAILED: Connection "Braze US" is still used by "Real-time personalization" (latest or published version): pick another connection there first',
    )
    expect((await editor.connections.list())[0].usedBy).toEqual([
      { workflowId: wf.id, title: 'Real-time personalization' },
    ])
    await editor.workflows.unpublish({ id: wf.id })
    expect(await code(editor.connections.delete({ id }))).toBe('OK')
    expect((await editor.connections.list()).map((c) => c.name)).toEqual(['Other API'])
    // Publishing re-checks references: version 1 now points at a deleted connection.
    expect(await code(editor.workflows.publish({ id: wf.id, version: 1 }))).toMatch(
      /^PRECONDITION_FAILED: Version 1 cannot send: n15: connection "conn_.+" does not exist/,
    )
  })
})
