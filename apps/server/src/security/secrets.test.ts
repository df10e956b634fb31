import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConnectionService } from '../services/connections'
import { createHttpClient } from '../services/http-client'
import { createMailClient } from '../services/mail-client'
import { createOutboundGuard } from '../services/outbound-guard'
import { createSecretBox } from '../services/secret-box'
import { SecretBindingError, SecretFence } from '../services/secret-fence'
import { dialects } from '../testing/databases'
import { createTestApp, type TestApp } from '../testing/harness'
import { type SmtpSink, startSmtpSink } from '../testing/smtp-sink'
import { type StubServer, startStubServer } from '../testing/stub-server'
import { oneStep, outcome, snapshot, testRun } from './attack-kit'

/**
 * DESIGN §6 Secrets, attacked: an editor (or anyone who can change a connection's settings or
 * its stored row) tries to make a stored secret travel to a host of their choosing; short
 * secrets try to slip into traces; the webhook signing secret is looked for in the database.
 */
const SECRET = 'stored-SECRET-7f3a9c'

describe.each(dialects)('secrets (%s)', (dialect) => {
  let app: TestApp
  let legit: StubServer
  let attacker: StubServer
  let mail: SmtpSink
  let otherMail: SmtpSink

  beforeAll(async () => {
    legit = await startStubServer((req) => ({
      status: 200,
      body: { echo: req.headers['x-auth'] ?? req.headers.authorization ?? null, count: 1 },
    }))
    attacker = await startStubServer()
    mail = await startSmtpSink({ login: { username: 'news', password: SECRET } })
    otherMail = await startSmtpSink()
    app = await createTestApp(dialect, { allowHosts: '127.0.0.1', runDeps: {} })
  })
  afterAll(async () => {
    await app.close()
    await Promise.all([legit.close(), attacker.close(), mail.close(), otherMail.close()])
  })

  const editor = () => app.as(app.users.editor)
  const admin = () => app.as(app.users.admin)
  const bound = (config: Record<string, unknown>) =>
    editor().connections.create({
      name: `c-${Math.random().toString(36).slice(2)}`,
      type: 'http',
      config,
      secret: SECRET,
    })

  const smtp = (over: Record<string, unknown> = {}) => ({
    host: '127.0.0.1',
    port: mail.port,
    secure: false,
    user: 'news',
    from: 'Shop <news@example.com>',
    ...over,
  })

  /** Each change of where a secret goes, tried by an editor without the secret. */
  const moves: { attack: string; type: 'braze' | 'http' | 'smtp'; from: () => object; to: () => object }[] = [
    {
      attack: 'braze restEndpoint → attacker',
      type: 'braze',
      from: () => ({ restEndpoint: legit.url }),
      to: () => ({ restEndpoint: attacker.url }),
    },
    {
      attack: 'http baseUrl → attacker',
      type: 'http',
      from: () => ({ baseUrl: `${legit.url}/v1`, auth: 'bearer' }),
      to: () => ({ baseUrl: `${attacker.url}/v1`, auth: 'bearer' }),
    },
    {
      attack: 'http baseUrl http → same host, other port',
      type: 'http',
      from: () => ({ baseUrl: legit.url, auth: 'bearer' }),
      to: () => ({ baseUrl: legit.url.replace(`:${legit.port}`, `:${attacker.port}`), auth: 'bearer' }),
    },
    {
      attack: 'http auth header name → another header',
      type: 'http',
      from: () => ({ baseUrl: legit.url, auth: 'header', headerName: 'X-Auth' }),
      to: () => ({ baseUrl: legit.url, auth: 'header', headerName: 'X-Forwarded-For' }),
    },
    {
      attack: 'http auth bearer → custom header',
      type: 'http',
      from: () => ({ baseUrl: legit.url, auth: 'bearer' }),
      to: () => ({ baseUrl: legit.url, auth: 'header', headerName: 'X-Leak' }),
    },
    {
      attack: 'smtp host → another server',
      type: 'smtp',
      from: () => smtp(),
      to: () => smtp({ host: 'localhost' }),
    },
    {
      attack: 'smtp port → another server',
      type: 'smtp',
      from: () => smtp(),
      to: () => smtp({ port: otherMail.port }),
    },
    {
      attack: 'smtp TLS → plain (downgrade)',
      type: 'smtp',
      from: () => smtp({ secure: true }),
      to: () => smtp({ secure: false }),
    },
  ]

  it.each(moves)('editor moves a stored secret: $attack → refused, nothing changed', async (move) => {
    const { id } = await editor().connections.create({
      name: `move-${move.attack}`,
      type: move.type,
      config: move.from() as Record<string, unknown>,
      secret: SECRET,
    })
    const before = await snapshot(app.db, ['connections'])
    const attempt = await outcome(
      editor().connections.update({ id, config: move.to() as Record<string, unknown> }),
    )
    expect(attempt).toMatch(
      /^FORBIDDEN: secret: the secret was saved for .*needs the secret entered again, or an admin$/,
    )
    expect(await snapshot(app.db, ['connections'])).toBe(before)
    expect(attacker.requests).toHaveLength(0)
    expect(otherMail.connections()).toBe(0)
  })

  it('renaming and a new path below the same origin need no secret', async () => {
    const { id } = await bound({ baseUrl: `${legit.url}/v1`, auth: 'bearer' })
    expect(
      await outcome(
        editor().connections.update({
          id,
          name: 'Renamed',
          config: { baseUrl: `${legit.url}/v2`, auth: 'bearer' },
        }),
      ),
    ).toBe('OK')
  })

  it('turning auth off needs no secret; turning it back on at another host does', async () => {
    const { id } = await bound({ baseUrl: legit.url, auth: 'bearer' })
    expect(
      await outcome(editor().connections.update({ id, config: { baseUrl: attacker.url, auth: 'none' } })),
    ).toBe('OK')
    expect((await editor().connections.test({ id })).ok).toBe(true)
    expect(attacker.requests.at(-1)?.headers.authorization).toBeUndefined()
    const before = await snapshot(app.db, ['connections'])
    expect(
      await outcome(editor().connections.update({ id, config: { baseUrl: attacker.url, auth: 'bearer' } })),
    ).toMatch(/^FORBIDDEN: secret: the secret was saved for/)
    expect(await snapshot(app.db, ['connections'])).toBe(before)
    expect(attacker.requests.filter((r) => r.headers.authorization)).toHaveLength(0)
    attacker.reset()
  })

  it('the secret entered again moves it; an admin may move it without, audited', async () => {
    const { id } = await bound({ baseUrl: legit.url, auth: 'bearer' })
    const moved = { baseUrl: attacker.url, auth: 'bearer' }
    expect(
      await outcome(editor().connections.update({ id, config: moved, secret: 'their-own-secret' })),
    ).toBe('OK')
    await editor().connections.test({ id })
    expect(attacker.requests.at(-1)?.headers.authorization).toBe('Bearer their-own-secret')

    const other = await bound({ baseUrl: legit.url, auth: 'bearer' })
    expect(await outcome(admin().connections.update({ id: other.id, config: moved }))).toBe('OK')
    const audit = await admin().audit.list({ action: 'connection.update' })
    expect(audit[0].details).toMatchObject({
      connectionId: other.id,
      secretMoved: { from: `${legit.url} bearer`, to: `${attacker.url} bearer` },
    })
    attacker.reset()
  })

  it('a row edited behind the service (config → attacker): test and runs refuse at send time, nothing sent', async () => {
    const { id } = await bound({ baseUrl: legit.url, auth: 'header', headerName: 'X-Auth' })
    await app.db
      .updateTable('connections')
      .set({ config: JSON.stringify({ baseUrl: attacker.url, auth: 'header', headerName: 'X-Auth' }) })
      .where('id', '=', id)
      .execute()
    expect(await outcome(editor().connections.test({ id }))).toMatch(
      /^PRECONDITION_FAILED: connection ".*" now points to http:\/\/127\.0\.0\.1:\d+, but its secret was saved for http:\/\/127\.0\.0\.1:\d+: enter the secret again/,
    )
    const view = await testRun(
      app,
      oneStep('http-request', { method: 'GET', url: '/steal', connectionId: id }),
    )
    expect(view.run.status).toBe('failed')
    expect(view.run.error).toContain('its secret was saved for')
    expect(attacker.requests).toHaveLength(0)
  })

  it('the HTTP client refuses a secret for another origin, and on a redirect hop to one', async () => {
    const http = createHttpClient({ guard: createOutboundGuard({ allowHosts: '127.0.0.1' }) })
    const fence = new SecretFence([
      {
        id: 'c',
        name: 'c',
        type: 'http',
        config: { baseUrl: legit.url, auth: 'header', headerName: 'X-Key' },
        secret: SECRET,
      },
    ])
    const direct = http(`${attacker.url}/x`, { method: 'GET', headers: { 'X-Key': SECRET }, fence })
    await expect(direct).rejects.toBeInstanceOf(SecretBindingError)
    // The legit host redirects elsewhere; X-Key is not flagged sensitive, so only the fence stops it.
    legit.handle(() => ({ status: 302, headers: { location: `${attacker.url}/stolen` } }))
    const hop = http(`${legit.url}/start`, { method: 'GET', headers: { 'X-Key': SECRET }, fence })
    await expect(hop).rejects.toThrow(/may not be sent to http:\/\/127\.0\.0\.1:\d+/)
    legit.handle((req) => ({ status: 200, body: { echo: req.headers['x-auth'] ?? null, count: 1 } }))
    expect(attacker.requests).toHaveLength(0)
    http.close()
  })

  it('the mail client refuses a password for another server before connecting', async () => {
    const fence = new SecretFence([{ id: 'm', name: 'm', type: 'smtp', config: smtp(), secret: SECRET }])
    const client = createMailClient({ guard: createOutboundGuard({ allowHosts: '127.0.0.1' }) })
    const elsewhere = { config: smtp({ port: otherMail.port }), secret: SECRET }
    await expect(client.verify(elsewhere, { fence })).rejects.toBeInstanceOf(SecretBindingError)
    expect(otherMail.connections()).toBe(0)
    await client.verify({ config: smtp(), secret: SECRET }, { fence })
    expect(mail.logins.at(-1)).toMatchObject({ username: 'news', accepted: true })
  })

  it('a 3-character secret is masked in the recorded request and the echoed answer', async () => {
    const short = 'Qz7'
    const { id } = await editor().connections.create({
      name: 'short',
      type: 'http',
      config: { baseUrl: legit.url, auth: 'header', headerName: 'X-Auth' },
      secret: short,
    })
    const view = await testRun(app, oneStep('http-request', { method: 'GET', url: '/me', connectionId: id }))
    expect(view.run.status).toBe('succeeded')
    expect(legit.requests.at(-1)?.headers['x-auth']).toBe(short)
    const step = view.events.find((e) => e.type === 'node.finished' && e.nodeId === 'x')
    expect(step?.request).toMatchObject({ headers: { 'X-Auth': '••••' } })
    expect(step?.output).toMatchObject({ body: { echo: '••••', count: 1 } })
    const asViewer = await app.as(app.users.viewer).runs.get({ runId: view.run.id })
    expect(JSON.stringify(asViewer)).not.toContain(short)
    const stored = await app.db.selectFrom('run_trace').select('data').execute()
    expect(JSON.stringify(stored)).not.toContain(short)
  })

  it('the webhook signing secret is sealed at rest, yet the hook and the trigger panel still see it', async () => {
    const { id } = await editor().workflows.create({})
    const { secret } = await editor().workflows.generateWebhookSecret({ id })
    const row = await app.db
      .selectFrom('workflows')
      .select('webhook_secret')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.webhook_secret).toMatch(/^sealed:v1\./)
    expect(row.webhook_secret).not.toContain(secret)
    expect((await app.services.hot.hookTarget(id))?.webhook_secret).toBe(secret)
    expect((await app.services.workflows.requireWorkflow(id)).webhook_secret).toBe(secret)
    expect((await editor().workflows.get({ id })).webhookSecretSet).toBe(true)
    await editor().workflows.setWebhookSecret({ id, secret: 'chosen-by-a-person' })
    expect((await app.services.hot.hookTarget(id))?.webhook_secret).toBe('chosen-by-a-person')
    await editor().workflows.setWebhookSecret({ id, secret: null })
    expect((await app.services.hot.hookTarget(id))?.webhook_secret).toBeNull()
  })

  it('signing secrets stored in clear by an earlier version are sealed at start', async () => {
    const { id } = await editor().workflows.create({})
    await app.db
      .updateTable('workflows')
      .set({ webhook_secret: 'legacy-clear-secret' })
      .where('id', '=', id)
      .execute()
    expect(await app.services.sealStoredWebhookSecrets()).toBe(1)
    const row = await app.db
      .selectFrom('workflows')
      .select('webhook_secret')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.webhook_secret).toMatch(/^sealed:/)
    expect((await app.services.hot.hookTarget(id))?.webhook_secret).toBe('legacy-clear-secret')
  })

  it('connection secrets saved before binding are bound to their settings at start', async () => {
    // A service over the same database with a key of our own, to write what an earlier version
    // stored: the bare secret sealed under the bare connection id.
    const box = createSecretBox(randomBytes(32))
    const service = createConnectionService({
      db: app.db,
      audit: app.services.audit,
      box,
      http: app.services.http,
    })
    const id = 'conn_legacy'
    await app.db
      .insertInto('connections')
      .values({
        id,
        name: 'Legacy',
        type: 'http',
        config: JSON.stringify({ baseUrl: legit.url, auth: 'bearer' }),
        secret: box.encrypt(SECRET, id),
        created_at: new Date().toISOString(),
        created_by: 'old@example.com',
        updated_at: new Date().toISOString(),
        updated_by: 'old@example.com',
        secret_updated_at: new Date().toISOString(),
      })
      .execute()
    expect(await service.bindLegacySecrets()).toBe(1)
    expect(await service.bindLegacySecrets()).toBe(0)
    expect(await service.resolve(id)).toMatchObject({ secret: SECRET, boundTo: { origin: legit.url } })
    const before = await snapshot(app.db, ['connections'])
    expect(
      await outcome(
        service.update(
          { email: 'editor@example.com', role: 'editor' },
          { id, config: { baseUrl: attacker.url, auth: 'bearer' } },
        ),
      ),
    ).toMatch(/^FORBIDDEN/)
    expect(await snapshot(app.db, ['connections'])).toBe(before)
    await app.db.deleteFrom('connections').where('id', '=', id).execute()
  })
})
