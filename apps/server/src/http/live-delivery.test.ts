import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../logger'
import { formatNotation, type Workflow } from '../services/engine'
import { dialects } from '../testing/databases'
import { loginCookie, startTestServer } from '../testing/harness'
import { segmentEvent, trpcHttp } from '../testing/http-client'
import { type StubServer, startStubServer } from '../testing/stub-server'

/**
 * Live delivery end to end over real HTTP: webhooks and live test runs against stub servers
 * on 127.0.0.1 standing in for Braze and the recommendation API (allow-listed), then a scan
 * of every API response, trace, run record, export, audit entry and log line for the secret.
 */
const SECRET = 'brz-LIVE-SECRET-6c1f0e93d4a2'
const ROTATED = 'brz-ROTATED-SECRET-1b7d22c9'
const fast = { backoffMs: 20, maxBackoffMs: 100, nodeRetryDelayMs: 20 }

type Server = Awaited<ReturnType<typeof startTestServer>>
interface RunView {
  run: { status: string; error: string | null; dryRun: boolean }
  events: {
    type: string
    nodeId?: string
    request?: { attempts?: number; headers: Record<string, string> }
  }[]
}

describe.each(dialects)('live delivery through connections (%s)', (dialect) => {
  let server: Server
  let braze: StubServer
  let reco: StubServer
  let cookie: string
  let workflowId: string
  let connectionId: string
  let model: Workflow
  const logs: string[] = []
  /** Every API answer the tests saw, for the secret scan. */
  const answers: unknown[] = []

  const call = async <T>(path: string, input: unknown, type?: 'query') => {
    const data = await trpcHttp<T>(server.url, path, input, { cookie, type })
    answers.push(data)
    return data
  }
  async function finished(runId: string): Promise<RunView> {
    for (let i = 0; i < 300; i++) {
      const view = await call<RunView>('runs.get', { runId }, 'query')
      if (!['queued', 'running'].includes(view.run.status)) return view
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(`run ${runId} did not finish`)
  }
  async function webhook(messageId: string, extra: Record<string, unknown> = {}) {
    const res = await fetch(`${server.url}/api/hooks/${workflowId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(segmentEvent(messageId, extra)),
    })
    expect(res.status).toBe(202)
    const { runId } = (await res.json()) as { runId: string }
    return { runId, view: await finished(runId) }
  }
  const brazeCalls = () =>
    braze.requests.map((r) => ({
      method: r.method,
      path: r.path,
      authorization: r.headers.authorization,
      key: r.headers['idempotency-key'],
    }))

  beforeAll(async () => {
    braze = await startStubServer(() => ({ status: 201, body: { message: 'success', dispatch_id: 'd-1' } }))
    reco = await startStubServer(() => ({
      body: { confidence: 0.91, recommendations: [{ id: 'sku-1', title: 'Trail shoe', score: 0.91 }] },
    }))
    const logger = createLogger('debug', { write: (line: string) => void logs.push(line) })
    server = await startTestServer(dialect, { allowHosts: '127.0.0.1', logger, runDeps: { http: fast } })
    cookie = await loginCookie(server.url)
    ;({ id: connectionId } = await call<{ id: string }>('connections.create', {
      name: 'Braze (stub)',
      type: 'braze',
      config: { restEndpoint: braze.url },
      secret: SECRET,
    }))
    ;({ id: workflowId } = await call<{ id: string }>('workflows.create', { template: 'personalization' }))
    const wf = await call<{ version: { model: Workflow } }>('workflows.get', { id: workflowId }, 'query')
    // n8 asks the stub recommender instead of the built-in demo one.
    model = {
      ...wf.version.model,
      nodes: wf.version.model.nodes.map((n) =>
        n.id === 'n8' ? { ...n, config: { ...(n.config as object), url: `${reco.url}/recommend` } } : n,
      ),
    }
    const saved = await call<{ version: number; issues: { severity: string }[] }>('workflows.save', {
      id: workflowId,
      baseVersion: 1,
      model,
    })
    expect(saved.issues.filter((i) => i.severity === 'error')).toEqual([])
    await call('workflows.publish', { id: workflowId, version: saved.version })
  })
  afterAll(async () => {
    await server.close()
    await braze.close()
    await reco.close()
  })

  it('a production run sends exactly the expected requests, with the API key', async () => {
    braze.reset()
    reco.reset()
    const { runId, view } = await webhook('live-1')
    expect(view.run).toMatchObject({ status: 'succeeded', dryRun: false })
    expect(reco.requests).toHaveLength(1)
    expect(reco.requests[0]).toMatchObject({
      method: 'POST',
      path: '/recommend',
      body: { userId: 'user-live-1' },
    })
    expect(brazeCalls()).toEqual([
      { method: 'POST', path: '/users/track', authorization: `Bearer ${SECRET}`, key: `${runId}:n15:1` },
      {
        method: 'POST',
        path: '/campaigns/trigger/send',
        authorization: `Bearer ${SECRET}`,
        key: `${runId}:n16:1`,
      },
      { method: 'POST', path: '/messages/send', authorization: `Bearer ${SECRET}`, key: `${runId}:n18:1` },
    ])
    expect(braze.requests[0].body).toMatchObject({
      attributes: [
        { external_id: 'user-live-1', email: 'someone@example.com', content_source: 'personalized' },
      ],
      events: [{ external_id: 'user-live-1', name: 'personalized_content_selected' }],
    })
    expect(braze.requests[1].body).toMatchObject({
      campaign_id: 'your-api-triggered-campaign-id',
      recipients: [{ external_user_id: 'user-live-1' }],
    })
    expect(braze.requests[2].body).toMatchObject({ external_user_ids: ['user-live-1'] })
    const n15 = view.events.find((e) => e.type === 'node.finished' && e.nodeId === 'n15')
    expect(n15?.request?.headers.Authorization).toBe('Bearer ••••')
  })

  it('retries a 429 (after its Retry-After) and a 503, then succeeds with one idempotency key', async () => {
    braze.reset()
    let tracks = 0
    braze.handle((req) => {
      if (req.path !== '/users/track') return { status: 201, body: { message: 'success' } }
      tracks++
      if (tracks === 1)
        return { status: 429, headers: { 'retry-after': '1' }, body: { message: 'rate limited' } }
      if (tracks === 2) return { status: 503, body: { message: 'unavailable' } }
      return { status: 201, body: { message: 'success', attributes_processed: 1 } }
    })
    const t0 = Date.now()
    const { runId, view } = await webhook('retry-1')
    expect(view.run.status).toBe('succeeded')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000)
    const track = brazeCalls().filter((c) => c.path === '/users/track')
    expect(track.map((c) => c.key)).toEqual(Array(3).fill(`${runId}:n15:1`))
    const n15 = view.events.find((e) => e.type === 'node.finished' && e.nodeId === 'n15')
    expect(n15?.request?.attempts).toBe(3)
    braze.handle(() => ({ status: 201, body: { message: 'success' } }))
  })

  it('fails a step that times out, saying so', async () => {
    braze.reset()
    reco.handle(() => ({ delayMs: 2_000, body: { confidence: 0.9, recommendations: [] } }))
    const slow: Workflow = {
      ...model,
      nodes: model.nodes.map((n) =>
        n.id === 'n8' ? { ...n, config: { ...(n.config as object), timeoutMs: 200 } } : n,
      ),
    }
    const { runId } = await call<{ runId: string }>('runs.start', {
      workflowId,
      model: slow,
      event: segmentEvent('slow-1'),
      live: true,
    })
    const view = await finished(runId)
    expect(view.run).toMatchObject({
      status: 'failed',
      error: `n8: POST ${reco.url}/recommend timed out after 200 ms`,
    })
    expect(braze.requests).toHaveLength(0)
    reco.handle(() => ({
      body: { confidence: 0.91, recommendations: [{ id: 'sku-1', title: 'Trail shoe', score: 0.91 }] },
    }))
  })

  it('splits 120 attribute updates into two /users/track calls', async () => {
    braze.reset()
    const bulk: Workflow = {
      title: 'Bulk tiering',
      description: '',
      groups: [],
      nodes: [
        { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start' },
        {
          id: 'b',
          group: null,
          shape: 'rectangle',
          label: 'Tier members',
          type: 'braze-update-profile',
          config: {
            connectionId,
            externalUserId: 'event.properties.members',
            attributes: { tier: '"gold"' },
          },
        },
        { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end' },
      ],
      edges: [
        { id: 'e1', source: 's', sourceHandle: 'right', target: 'b', targetHandle: 'left' },
        { id: 'e2', source: 'b', sourceHandle: 'right', target: 'e', targetHandle: 'left' },
      ],
    }
    const members = Array.from({ length: 120 }, (_, i) => `member-${i}`)
    const event = { type: 'track', event: 'Tier Changed', userId: 'ops', properties: { members } }
    const { runId } = await call<{ runId: string }>('runs.start', {
      workflowId,
      model: bulk,
      event,
      live: true,
    })
    expect((await finished(runId)).run.status).toBe('succeeded')
    expect(braze.requests.map((r) => (r.body as { attributes: unknown[] }).attributes.length)).toEqual([
      75, 45,
    ])
    expect(brazeCalls().map((c) => c.key)).toEqual([`${runId}:b:1`, `${runId}:b:1:2`])
  })

  it('keeps test runs dry unless live, and a rotated secret takes effect for the next run', async () => {
    braze.reset()
    const dry = await call<{ runId: string }>('runs.start', { workflowId, event: segmentEvent('dry-1') })
    expect((await finished(dry.runId)).run).toMatchObject({ status: 'succeeded', dryRun: true })
    expect(braze.requests).toHaveLength(0)
    await call('connections.update', { id: connectionId, secret: ROTATED })
    const { view } = await webhook('rotated-1')
    expect(view.run.status).toBe('succeeded')
    expect(new Set(brazeCalls().map((c) => c.authorization))).toEqual(new Set([`Bearer ${ROTATED}`]))
  })

  it('never lets the secret into an API response, trace, run record, export, audit entry or log line', async () => {
    // A misbehaving API that echoes the key in its error must not carry it into the run either.
    braze.handle((req) => ({ status: 401, body: { message: `invalid key ${req.headers.authorization}` } }))
    const { view } = await webhook('echo-1')
    expect(view.run).toMatchObject({
      status: 'failed',
      error: 'n15: Braze answered 401 to POST /users/track: "invalid key Bearer ••••"',
    })
    braze.handle(() => ({ status: 201, body: { message: 'success' } }))
    await call('connections.list', {}, 'query')
    await call('runs.list', { workflowId, limit: 1000 }, 'query')
    const runs = await call<{ id: string }[]>('runs.list', { limit: 1000 }, 'query')
    for (const r of runs) await call('runs.get', { runId: r.id }, 'query')
    const wf = await call<{ version: { model: Workflow } }>('workflows.get', { id: workflowId }, 'query')
    await call('versions.list', { workflowId }, 'query')
    await call('audit.list', { limit: 1000 }, 'query')
    const exports = [formatNotation(wf.version.model), JSON.stringify(wf.version.model)]
    const db = server.db
    const tables = await Promise.all([
      db.selectFrom('runs').selectAll().execute(),
      db.selectFrom('run_trace').selectAll().execute(),
      db.selectFrom('audit_log').selectAll().execute(),
      db.selectFrom('workflow_versions').selectAll().execute(),
      db.selectFrom('workflows').selectAll().execute(),
      db.selectFrom('meta').selectAll().execute(),
      db.selectFrom('connections').selectAll().execute(),
    ])
    expect(runs.length).toBeGreaterThanOrEqual(6)
    expect(logs.length).toBeGreaterThan(20)
    const haystacks = {
      'API responses': JSON.stringify(answers),
      exports: exports.join('\n'),
      'database rows': JSON.stringify(tables),
      logs: logs.join(''),
    }
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of [SECRET, ROTATED])
        expect(text.includes(secret), `${where} hold the secret`).toBe(false)
    }
    // The secrets were really used: the stub Braze saw them on the wire.
    expect(JSON.stringify(braze.requests)).toContain(ROTATED)
  })
})
