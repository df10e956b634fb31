import { createHmac } from 'node:crypto'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { Workflow } from '../services/engine'
import { dialects } from '../testing/databases'
import { startFakeBraze, withBraze } from '../testing/fake-braze'
import { link, retentionFlow, step } from '../testing/flows'
import { loginCookie, startTestServer } from '../testing/harness'
import { segmentEvent, trpcHttp } from '../testing/http-client'
import { startStubServer } from '../testing/stub-server'

type Server = Awaited<ReturnType<typeof startTestServer>>

function post(url: string, body: string, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
}

/** A raw request streaming `size` bytes without Content-Length; resolves with the status the server answered. */
function postChunked(url: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let sent = 0
    const pump = () => {
      while (sent < size) {
        sent += chunk.length
        if (!req.write(chunk)) return req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

async function waitForRuns(server: Server, cookie: string, workflowId: string, count: number) {
  for (let i = 0; i < 200; i++) {
    const runs = await trpcHttp<{ status: string; error?: string | null }[]>(
      server.url,
      'runs.list',
      { workflowId, limit: 1000 },
      { cookie, type: 'query' },
    )
    if (runs.length >= count && runs.every((r) => !['queued', 'running'].includes(r.status))) return runs
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('runs did not finish')
}

/** The personalization template, its Braze steps sending through a connection to the fake, saved and published. */
async function publishLiveTemplate(
  server: Server,
  cookie: string,
  brazeUrl: string,
  publish = true,
): Promise<string> {
  const connection = await trpcHttp<{ id: string }>(
    server.url,
    'connections.create',
    {
      name: `Fake Braze ${Math.random().toString(36).slice(2)}`,
      type: 'braze',
      config: { restEndpoint: brazeUrl },
      secret: 'test-key',
    },
    { cookie },
  )
  const { id } = await trpcHttp<{ id: string }>(
    server.url,
    'workflows.create',
    { template: 'personalization' },
    { cookie },
  )
  const wf = await trpcHttp<{ version: { model: Workflow } }>(
    server.url,
    'workflows.get',
    { id },
    { cookie, type: 'query' },
  )
  const model = withBraze(wf.version.model, connection.id)
  const saved = await trpcHttp<{ version: number }>(
    server.url,
    'workflows.save',
    { id, baseVersion: 1, model },
    { cookie },
  )
  if (publish) await trpcHttp(server.url, 'workflows.publish', { id, version: saved.version }, { cookie })
  return id
}

describe.each(dialects)('Segment webhook over HTTP (%s)', (dialect) => {
  let server: Server
  let cookie: string
  let workflowId: string
  let hook: string
  let braze: Awaited<ReturnType<typeof startFakeBraze>>

  beforeAll(async () => {
    braze = await startFakeBraze()
    // The fake Braze listens on loopback, which the outbound guard refuses unless allow-listed.
    server = await startTestServer(dialect, { allowHosts: '127.0.0.1' })
    cookie = await loginCookie(server.url)
    workflowId = await publishLiveTemplate(server, cookie, braze.url)
    hook = `${server.url}/api/hooks/${workflowId}`
  })
  afterAll(async () => {
    await server.close()
    await braze.close()
  })

  it('accepts an event with 202 and runs the published version to completion', async () => {
    const res = await post(hook, JSON.stringify(segmentEvent('accept-1')))
    expect(res.status).toBe(202)
    const { runId } = (await res.json()) as { runId: string }
    expect(runId).toMatch(/\S+/)
    await waitForRuns(server, cookie, workflowId, 1)
    const { run, events } = await trpcHttp<{
      run: { status: string; kind: string; version: number }
      events: { type: string; nodeId?: string }[]
    }>(server.url, 'runs.get', { runId }, { cookie, type: 'query' })
    expect(run).toMatchObject({ status: 'succeeded', kind: 'production', version: 2 })
    // n8 really called the built-in demo recommender on this server.
    expect(events.some((e) => e.type === 'node.finished' && e.nodeId === 'n8')).toBe(true)
    expect(events.at(-1)?.type).toBe('run.finished')
  })

  it('answers a repeated messageId with 200 and the first run id, running nothing new', async () => {
    const first = await post(hook, JSON.stringify(segmentEvent('dup-1')))
    const again = await post(hook, JSON.stringify(segmentEvent('dup-1', { properties: { changed: true } })))
    expect(first.status).toBe(202)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual(await first.json())
  })

  it('rejects malformed JSON with 400 and a non-object with 400', async () => {
    expect((await post(hook, '{"type": "track",')).status).toBe(400)
    expect((await post(hook, '[1,2]')).status).toBe(400)
  })

  it('answers an event the start filter turns away with 200 {"skipped":true} and starts no run', async () => {
    const model: Workflow = {
      title: 'Orders only',
      description: '',
      groups: [],
      nodes: [
        {
          id: 's',
          group: null,
          shape: 'circle',
          label: 'Order?',
          type: 'start',
          config: { filter: 'event.type = "track" and event.event = "Order Completed"' },
        },
        { id: 'e', group: null, shape: 'circle', label: 'Done', type: 'end' },
      ],
      edges: [{ id: 's->e', source: 's', sourceHandle: 'right', target: 'e', targetHandle: 'left' }],
    }
    const { id } = await trpcHttp<{ id: string }>(server.url, 'workflows.create', { model }, { cookie })
    await trpcHttp(server.url, 'workflows.publish', { id, version: 1 }, { cookie })
    const url = `${server.url}/api/hooks/${id}`
    const page = { ...segmentEvent('filter-1'), type: 'page', event: undefined }
    const skipped = await post(url, JSON.stringify(page))
    expect(skipped.status).toBe(200)
    expect(await skipped.json()).toEqual({ skipped: true })
    const order = await post(url, JSON.stringify({ ...segmentEvent('filter-2'), event: 'Order Completed' }))
    expect(order.status).toBe(202)
    const runs = await waitForRuns(server, cookie, id, 1)
    expect(runs).toHaveLength(1)
    expect(runs[0].status).toBe('succeeded')
  })

  it('starts every accepted run while many deliveries wait on start filters (none left queued)', async () => {
    // Filters and runs share the run threads' slots: 200 at once used to leave runs queued for good.
    const slow = await startStubServer(() => ({ status: 200, body: { ok: true }, delayMs: 50 }))
    onTestFinished(() => slow.close())
    const model: Workflow = {
      title: 'Filtered, with a slow call',
      description: '',
      groups: [],
      nodes: [
        step('s', 'start', { filter: 'event.type = "track"' }, 'circle'),
        step('ask', 'http-request', { method: 'GET', url: `${slow.url}/slow`, sideEffect: false }),
        step('e', 'end', {}, 'circle'),
      ],
      edges: [link('s', 'ask'), link('ask', 'e')],
    }
    const { id } = await trpcHttp<{ id: string }>(server.url, 'workflows.create', { model }, { cookie })
    await trpcHttp(server.url, 'workflows.publish', { id, version: 1 }, { cookie })
    const url = `${server.url}/api/hooks/${id}`
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(url, JSON.stringify(segmentEvent(`slots-${i}`)))),
    )
    expect(responses.map((r) => r.status).filter((s) => s !== 202)).toEqual([])
    const runs = await waitForRuns(server, cookie, id, 200)
    expect(runs.filter((r) => r.status !== 'succeeded')).toEqual([])
  })

  it('resumes runs waiting for an event with that event, and tells the sender so', async () => {
    const model = retentionFlow()
    const { id } = await trpcHttp<{ id: string }>(server.url, 'workflows.create', { model }, { cookie })
    await trpcHttp(server.url, 'workflows.publish', { id, version: 1 }, { cookie })
    const url = `${server.url}/api/hooks/${id}`
    const cancel = await post(
      url,
      JSON.stringify({ ...segmentEvent('ret-1'), event: 'Cancel Requested', userId: 'u-42' }),
    )
    expect(cancel.status).toBe(202)
    const { runId } = (await cancel.json()) as { runId: string }
    const [waiting] = await waitForRuns(server, cookie, id, 1)
    expect(waiting.status).toBe('waiting')
    const accepted = await post(
      url,
      JSON.stringify({ ...segmentEvent('ret-2'), event: 'Offer Accepted', userId: 'u-42' }),
    )
    expect(accepted.status).toBe(200)
    expect(await accepted.json()).toEqual({ skipped: true, resumed: [runId] })
    const [done] = await waitForRuns(server, cookie, id, 1)
    expect(done.status).toBe('succeeded')
  })

  it('answers 404 for unknown workflows and 405 for GET', async () => {
    expect((await post(`${server.url}/api/hooks/wf_nope`, JSON.stringify(segmentEvent('x')))).status).toBe(
      404,
    )
    expect((await fetch(hook)).status).toBe(405)
  })

  it('answers 404 while a workflow is not published', async () => {
    const draft = { id: await publishLiveTemplate(server, cookie, braze.url, false) }
    const url = `${server.url}/api/hooks/${draft.id}`
    expect((await post(url, JSON.stringify(segmentEvent('np-1')))).status).toBe(404)
    await trpcHttp(server.url, 'workflows.publish', { id: draft.id, version: 2 }, { cookie })
    expect((await post(url, JSON.stringify(segmentEvent('np-1')))).status).toBe(202)
    await trpcHttp(server.url, 'workflows.unpublish', { id: draft.id }, { cookie })
    expect((await post(url, JSON.stringify(segmentEvent('np-2')))).status).toBe(404)
  })

  it('accepts exactly 1 MiB and refuses more with 413, with or without Content-Length', async () => {
    const base = JSON.stringify(segmentEvent('size-ok', { padding: '' }))
    const exact = base.replace('"padding":""', `"padding":"${'x'.repeat(1024 * 1024 - base.length)}"`)
    expect(Buffer.byteLength(exact)).toBe(1024 * 1024)
    const accepted = await post(hook, exact)
    expect(accepted.status).toBe(202)
    const { runId } = (await accepted.json()) as { runId: string }
    expect((await post(hook, `${exact} `)).status).toBe(413)
    expect(await postChunked(hook, 8 * 1024 * 1024)).toBe(413)
    // The server still answers afterwards.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)

    // The big event runs, but is not stored again with every step it flows through.
    await waitForRuns(server, cookie, workflowId, 1)
    const { run, events } = await trpcHttp<{
      run: { status: string; event: { padding: string } }
      events: unknown[]
    }>(server.url, 'runs.get', { runId }, { cookie, type: 'query' })
    expect(run.status).toBe('succeeded')
    expect(run.event.padding.length).toBeGreaterThan(1_000_000)
    expect(Math.max(...events.map((e) => JSON.stringify(e).length))).toBeLessThan(300_000)
    expect(JSON.stringify(events)).toContain('$truncated')
  })

  it('checks X-Signature (hex HMAC-SHA1 of the raw body) once a secret is set', async () => {
    const secret = 'whsec-test-123'
    await trpcHttp(server.url, 'workflows.setWebhookSecret', { id: workflowId, secret }, { cookie })
    const body = JSON.stringify(segmentEvent('sig-1'))
    const sign = (b: string) => createHmac('sha1', secret).update(b).digest('hex')
    expect((await post(hook, body)).status).toBe(401)
    expect((await post(hook, body, { 'x-signature': sign(`${body} `) })).status).toBe(401)
    expect((await post(hook, body, { 'x-signature': 'zz' })).status).toBe(401)
    expect((await post(hook, body, { 'x-signature': sign(body) })).status).toBe(202)
    // A bad signature is refused before the JSON is even looked at.
    expect((await post(hook, '{oops', { 'x-signature': sign('{nope') })).status).toBe(401)
    expect((await post(hook, '{oops', { 'x-signature': sign('{oops') })).status).toBe(400)
    await trpcHttp(server.url, 'workflows.setWebhookSecret', { id: workflowId, secret: null }, { cookie })
    expect((await post(hook, JSON.stringify(segmentEvent('sig-2')))).status).toBe(202)
  })

  it('turns 200 concurrent deliveries with 50 duplicates into exactly 150 runs, none lost', async () => {
    const id = await publishLiveTemplate(server, cookie, braze.url)
    const url = `${server.url}/api/hooks/${id}`
    const ids = Array.from({ length: 150 }, (_, i) => `burst-${i}`)
    const deliveries = [...ids, ...ids.slice(0, 50)].map((id) => post(url, JSON.stringify(segmentEvent(id))))
    const responses = await Promise.all(deliveries)
    const statuses = responses.map((r) => r.status)
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { runId: string }[]
    expect(statuses.filter((s) => s === 202)).toHaveLength(150)
    expect(statuses.filter((s) => s === 200)).toHaveLength(50)
    // Each duplicate got the id of the run its messageId started.
    const byMessage = new Map<string, Set<string>>()
    for (const [i, id] of [...ids, ...ids.slice(0, 50)].entries()) {
      byMessage.set(id, (byMessage.get(id) ?? new Set()).add(bodies[i].runId))
    }
    for (const runIds of byMessage.values()) expect(runIds.size).toBe(1)

    const runs = await waitForRuns(server, cookie, id, 150)
    expect(runs).toHaveLength(150)
    // Failures are listed with their errors, so a flaky run says why.
    expect(runs.filter((r) => r.status !== 'succeeded')).toEqual([])
  })
})
