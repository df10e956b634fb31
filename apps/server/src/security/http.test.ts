import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workflow } from '../services/engine'
import { dialects } from '../testing/databases'
import { insertUser, loginCookie, PASSWORD, startTestServer } from '../testing/harness'
import { trpcHttp } from '../testing/http-client'
import { type StubServer, startStubServer } from '../testing/stub-server'
import { nested, oneStep, passThrough, snapshot } from './attack-kit'

/**
 * Attacks on the HTTP surface of a real server: file permissions, the page's CSP, cross-site
 * requests, session fixation and logout, too deep or too large bodies everywhere, and a
 * backlog filled with large events. Each checks the refusal and that nothing changed.
 */
type Server = Awaited<ReturnType<typeof startTestServer>>

describe.each(dialects)('HTTP attacks (%s)', (dialect) => {
  let server: Server
  let cookie: string
  let hookId: string
  let writeKey: string
  let slow: StubServer
  const webDist = mkdtempSync(join(tmpdir(), 'flowline-web-'))

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(20_000),
    })
  const call = <T>(path: string, input: unknown, type?: 'query') =>
    trpcHttp<T>(server.url, path, input, { cookie, type })
  const healthy = async () => expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  const runCount = async () => (await server.db.selectFrom('runs').select('id').execute()).length
  /** A published workflow whose runs each wait 1.5 s for the slow API: they fill a backlog. */
  const publishedSlowWorkflow = async () => {
    const { id } = await call<{ id: string }>('workflows.create', {
      model: oneStep('http-request', { method: 'GET', url: `${slow.url}/slow` }),
    })
    await call('workflows.publish', { id, version: 1 })
    return id
  }

  beforeAll(async () => {
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>Flowline</title>')
    slow = await startStubServer(() => ({ status: 200, body: { ok: true }, delayMs: 1_500 }))
    server = await startTestServer(dialect, { webDist, allowHosts: '127.0.0.1' })
    cookie = await loginCookie(server.url)
    const { id } = await call<{ id: string }>('workflows.create', { model: passThrough })
    await call('workflows.publish', { id, version: 1 })
    hookId = id
    const source = await call<{ id: string; writeKey: string }>('sources.create', { name: 'App' })
    await call('sources.subscribe', { sourceId: source.id, workflowId: id })
    writeKey = source.writeKey
  })
  afterAll(async () => {
    await server.close()
    await slow.close()
    rmSync(webDist, { recursive: true, force: true })
  })

  it('keeps its data files owner-only (0600)', async () => {
    const dir = server.target.dataDir
    const files =
      dialect === 'sqlite'
        ? ['flowline.db', 'flowline.db-wal', 'flowline.db-shm', 'secret.key']
        : ['secret.key']
    for (const file of files)
      expect(`${file} ${(statSync(join(dir, file)).mode & 0o777).toString(8)}`).toBe(`${file} 600`)
  })

  it('serves the page with a CSP that allows no eval and no inline script', async () => {
    const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
  })

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Origin: null (sandboxed frame)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
  ])('refuses a state-changing tRPC request from %s, and nothing changes', async (_what, headers) => {
    const before = await snapshot(server.db, ['workflows', 'sessions'])
    const created = await post('/trpc/workflows.create', JSON.stringify({ title: 'CSRF' }), {
      cookie,
      ...headers,
    })
    expect(created.status).toBe(403)
    expect(((await created.json()) as { error: string }).error).toMatch(/^Cross-site request refused/)
    // Login CSRF (signing the victim into the attacker's account) is refused the same way.
    const login = await post(
      '/trpc/auth.login',
      JSON.stringify({ email: 'admin@example.com', password: PASSWORD }),
      headers,
    )
    expect(login.status).toBe(403)
    expect(login.headers.getSetCookie()).toEqual([])
    expect(await snapshot(server.db, ['workflows', 'sessions'])).toBe(before)
  })

  it('accepts the app itself (same Origin, same-origin fetch) and programs without either header', async () => {
    const own = { origin: server.url, 'sec-fetch-site': 'same-origin' }
    expect(
      (await post('/trpc/workflows.create', JSON.stringify({ title: 'Mine' }), { cookie, ...own })).status,
    ).toBe(200)
    expect(
      (
        await post('/trpc/workflows.create', JSON.stringify({ title: 'Script' }), {
          cookie,
          origin: server.url,
        })
      ).status,
    ).toBe(200)
    expect((await post('/trpc/workflows.create', JSON.stringify({ title: 'curl' }), { cookie })).status).toBe(
      200,
    )
  })

  it('session fixation: a planted cookie is never the session a sign-in gets', async () => {
    const me = async (c: string) =>
      (
        (await (await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: c } })).json()) as {
          result: { data: { email: string } | null }
        }
      ).result.data
    const signIn = async (planted: string, email: string) => {
      const res = await post('/trpc/auth.login', JSON.stringify({ email, password: PASSWORD }), {
        cookie: planted,
      })
      expect(res.status).toBe(200)
      return res.headers
        .getSetCookie()
        .find((c) => c.startsWith('flowline_session='))!
        .split(';')[0]
    }
    // A made-up token: ignored, replaced.
    const madeUp = 'flowline_session=planted-by-the-attacker-0000000000'
    const fresh = await signIn(madeUp, 'admin@example.com')
    expect(fresh).not.toBe(madeUp)
    expect(await me(madeUp)).toBeNull()
    // The attacker's own session planted in the victim's browser stays the attacker's.
    await insertUser(server.db, 'attacker@example.com', 'editor')
    const attackers = await loginCookie(server.url, 'attacker@example.com')
    const victims = await signIn(attackers, 'admin@example.com')
    expect(victims).not.toBe(attackers)
    expect(await me(attackers)).toMatchObject({ email: 'attacker@example.com' })
    expect(await me(victims)).toMatchObject({ email: 'admin@example.com' })
  })

  it('logout ends the session on the server: the old cookie no longer works', async () => {
    const session = await loginCookie(server.url)
    const out = await post('/trpc/auth.logout', '{}', { cookie: session })
    expect(out.status).toBe(200)
    expect(out.headers.getSetCookie()[0]).toMatch(/^flowline_session=; .*Max-Age=0/)
    const before = await snapshot(server.db, ['workflows'])
    const replay = await post('/trpc/workflows.create', JSON.stringify({ title: 'After logout' }), {
      cookie: session,
    })
    expect(replay.status).toBe(401)
    expect(await snapshot(server.db, ['workflows'])).toBe(before)
    const hash = (await server.db.selectFrom('sessions').select('token_hash').execute()).length
    expect(hash).toBeGreaterThan(0) // other sessions live on
  })

  it('webhook: deep JSON (8,000 and 100,000 levels) is a 400 with the reason, not a 500; no run', async () => {
    const runs = await runCount()
    for (const depth of [1_001, 8_000, 100_000]) {
      const res = await post(
        `/api/hooks/${hookId}`,
        `{"type":"track","userId":"u","properties":${nested(depth)}}`,
      )
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ error: 'The event is nested deeper than 1000 levels' })
    }
    expect(await runCount()).toBe(runs)
    await healthy()
  })

  it('webhook: JSON exactly as deep as allowed runs to the end', async () => {
    const res = await post(
      `/api/hooks/${hookId}`,
      `{"type":"track","userId":"u","properties":{"a":${nested(998)}}}`,
    )
    expect(res.status).toBe(202)
    const { runId } = (await res.json()) as { runId: string }
    for (let i = 0; i < 500; i++) {
      const { run } = await call<{ run: { status: string } }>('runs.get', { runId }, 'query')
      if (run.status === 'succeeded') return
      expect(['queued', 'running']).toContain(run.status)
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(
      `the run did not finish: ${JSON.stringify((await call<{ run: unknown }>('runs.get', { runId }, 'query')).run).slice(0, 600)}`,
    )
  })

  it('webhook: a body over 1 MiB is a 413; no run', async () => {
    const runs = await runCount()
    const res = await post(
      `/api/hooks/${hookId}`,
      `{"type":"track","userId":"u","pad":"${'x'.repeat(1024 * 1024)}"}`,
    )
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({ error: 'Payload larger than 1 MiB' })
    expect(await runCount()).toBe(runs)
  })

  it('/v1 (Segment): deep JSON and oversized calls are a 400 with the reason; no run', async () => {
    const runs = await runCount()
    const auth = { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` }
    const deep = await post('/v1/track', `{"userId":"u","event":"E","properties":${nested(8_000)}}`, auth)
    expect(deep.status).toBe(400)
    expect(await deep.json()).toEqual({ success: false, error: 'The body is nested deeper than 1000 levels' })
    const deepBatch = await post(
      '/v1/batch',
      `{"batch":[{"type":"track","userId":"u","event":"E","p":${nested(5_000)}}]}`,
      auth,
    )
    expect(deepBatch.status).toBe(400)
    const big = await post('/v1/track', `{"userId":"u","event":"E","pad":"${'x'.repeat(33 * 1024)}"}`, auth)
    expect(big.status).toBe(400)
    expect(await big.json()).toEqual({ success: false, error: 'Message larger than 32 KB' })
    const bigBatch = await post('/v1/batch', `{"batch":[],"pad":"${'x'.repeat(501 * 1024)}"}`, auth)
    expect(bigBatch.status).toBe(400)
    expect(await runCount()).toBe(runs)
    await healthy()
  })

  it('tRPC: a 100,000-level config on save is a 400 with the reason; the workflow is unchanged', async () => {
    const { id } = await call<{ id: string }>('workflows.create', { model: passThrough })
    const before = await snapshot(server.db, ['workflows', 'workflow_versions'])
    const model = JSON.stringify(passThrough).replace('"config":{}', `"config":{"deep":${nested(100_000)}}`)
    const res = await post('/trpc/workflows.save', `{"id":"${id}","baseVersion":1,"model":${model}}`, {
      cookie,
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { message: string } }
    expect(body.error.message).toBe('The input is nested deeper than 1016 levels')
    // A deep event for a test run, and a deep input in a query string.
    const run = await post('/trpc/runs.start', `{"workflowId":"${id}","event":${nested(5_000)}}`, { cookie })
    expect(run.status).toBe(400)
    const query = await fetch(
      `${server.url}/trpc/workflows.get?input=${encodeURIComponent(`{"id":${nested(1_100, '"x"')}}`)}`,
      {
        headers: { cookie },
      },
    )
    expect(query.status).toBe(400)
    expect(await snapshot(server.db, ['workflows', 'workflow_versions'])).toBe(before)
    await healthy()
  })

  it('tRPC: a body over 4 MiB is a 413', async () => {
    const before = await snapshot(server.db, ['workflows'])
    const res = await post('/trpc/workflows.create', `{"title":"${'x'.repeat(4 * 1024 * 1024)}"}`, { cookie })
    expect(res.status).toBe(413)
    expect(await snapshot(server.db, ['workflows'])).toBe(before)
  })

  it('notation import: JSON deeper than the notation allows is a 400 naming the line; nothing created', async () => {
    const before = await snapshot(server.db, ['workflows'])
    const notation = `Deep\nn1: circle label:"Start" type:start config:{"a":${nested(1_500)}}\n`
    const res = await post('/trpc/workflows.create', JSON.stringify({ notation }), { cookie })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^workflow\.flow:2:\d+: .*JSON nested deeper than 1000 levels/,
    )
    expect(await snapshot(server.db, ['workflows'])).toBe(before)
  })

  it('an expression nested 50,000 parentheses deep is a validation issue, not a 500', async () => {
    const filter = `${'('.repeat(50_000)}true${')'.repeat(50_000)}`
    const model: Workflow = {
      ...passThrough,
      nodes: passThrough.nodes.map((n) => (n.id === 's' ? { ...n, config: { filter } } : n)),
    }
    const created = await call<{ id: string }>('workflows.create', { model })
    const wf = await call<{ version: { issues: { message: string; nodeId?: string }[] } }>(
      'workflows.get',
      { id: created.id },
      'query',
    )
    expect(wf.version.issues).toContainEqual(
      expect.objectContaining({ nodeId: 's', message: expect.stringContaining('nested too deeply') }),
    )
    await healthy()
  })

  it('a backlog of large events is bounded in bytes: 503 with Retry-After, nothing stored for the refused', async () => {
    const id = await publishedSlowWorkflow()
    const limits = server.services.backlog
    const saved = { ...limits }
    limits.bytes = 2.5 * 1024 * 1024
    try {
      const event = (n: number) =>
        `{"type":"track","userId":"u","messageId":"big-${n}","pad":"${'x'.repeat(1_000_000)}"}`
      const answers: number[] = []
      let refused: Response | undefined
      for (let n = 0; n < 4; n++) {
        const res = await post(`/api/hooks/${id}`, event(n))
        answers.push(res.status)
        if (res.status === 503) refused ??= res
      }
      expect(answers).toEqual([202, 202, 503, 503])
      expect(refused?.headers.get('retry-after')).toBe('5')
      expect(await refused?.json()).toEqual({ error: 'Too many runs queued; retry later' })
      const stored = await server.db
        .selectFrom('runs')
        .select('message_id')
        .where('workflow_id', '=', id)
        .execute()
      expect(stored.map((r) => r.message_id).sort()).toEqual(['big-0', 'big-1'])
      await healthy()
      // The runs-count limit applies as before (without waiting for room: the next test).
      limits.bytes = saved.bytes
      limits.runs = 1
      limits.waitMs = 0
      expect((await post(`/api/hooks/${id}`, event(9))).status).toBe(503)
    } finally {
      Object.assign(limits, saved)
    }
    await server.services.queue.drain(10_000)
    expect(server.services.queue.bytes).toBe(0)
  })

  it('a delivery meeting a full backlog waits for room: accepted once a run finishes, 503 when none does in time', async () => {
    const id = await publishedSlowWorkflow()
    const limits = server.services.backlog
    const saved = { ...limits }
    limits.runs = 1
    const event = (n: number) => JSON.stringify({ type: 'track', userId: 'u', messageId: `wait-${n}` })
    try {
      // The first run waits 1.5 s for the slow API and fills the backlog.
      expect((await post(`/api/hooks/${id}`, event(0))).status).toBe(202)
      limits.waitMs = 100
      const refused = await post(`/api/hooks/${id}`, event(1))
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('5')
      limits.waitMs = 10_000
      const waited = await post(`/api/hooks/${id}`, event(2))
      expect(waited.status).toBe(202)
      const stored = await server.db
        .selectFrom('runs')
        .select(['message_id', 'status'])
        .where('workflow_id', '=', id)
        .orderBy('message_id')
        .execute()
      // Let in only once the first run had finished.
      expect(stored).toEqual([
        { message_id: 'wait-0', status: 'succeeded' },
        { message_id: 'wait-2', status: expect.any(String) },
      ])
    } finally {
      Object.assign(limits, saved)
    }
    await server.services.queue.drain(10_000)
    await healthy()
  })

  it('a full backlog refuses small deliveries on the same keep-alive connection; large ones close it', async () => {
    const limits = server.services.backlog
    const saved = { ...limits }
    limits.runs = 0
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const deliver = (body: string) =>
      new Promise<{ status: number; connection?: string; reused: boolean; text: string }>(
        (resolve, reject) => {
          const req = httpRequest(
            `${server.url}/api/hooks/${hookId}`,
            { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
            (res) => {
              let text = ''
              res.on('data', (c) => (text += c))
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  connection: res.headers.connection,
                  reused: req.reusedSocket,
                  text,
                }),
              )
            },
          )
          req.on('error', reject)
          req.end(body)
        },
      )
    try {
      const before = await runCount()
      const small = JSON.stringify({ type: 'track', userId: 'u', messageId: 'refused-small' })
      const first = await deliver(small)
      const second = await deliver(small)
      expect([first.status, second.status]).toEqual([503, 503])
      expect(JSON.parse(second.text)).toEqual({ error: 'Too many runs queued; retry later' })
      expect(second.connection).not.toBe('close')
      expect(second.reused).toBe(true)
      const large = await deliver(JSON.stringify({ type: 'track', userId: 'u', pad: 'x'.repeat(100_000) }))
      expect(large).toMatchObject({ status: 503, connection: 'close' })
      expect(await runCount()).toBe(before)
    } finally {
      Object.assign(limits, saved)
      agent.destroy()
    }
    await healthy()
  })
})
