import { describe, expect, it } from 'vitest'
import { runWorkflow } from '../../run/executor'
import { flow, start } from '../../run/fixtures'
import type { ConnectionResolver } from '../shared/connections'
import type { FetchLike } from '../types'

const event = { type: 'track', event: 'Order Completed', userId: 'u-42', properties: { orderId: 'o-1' } }

interface Call {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
}

function fakeFetch(answer: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = []
  const fetch: FetchLike = async (url, init) => {
    const call = { url, method: init.method, headers: init.headers, body: init.body }
    calls.push(call)
    return answer(call)
  }
  return { fetch, calls }
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Trace': 't-1' },
  })

const fast = { backoffMs: 1, maxBackoffMs: 5, nodeRetryDelayMs: 1 }
const http = (config: Record<string, unknown>) =>
  flow([start('s'), { id: 'h', type: 'http-request', config }], ['s -> h'])

describe('http-request', () => {
  it('sends the templated request and outputs {status, headers, body} with JSON parsed', async () => {
    const { fetch, calls } = fakeFetch(() => json({ ok: true, items: [1, 2] }, 201))
    const wf = http({
      method: 'POST',
      url: 'https://api.example.com/users/{{ event.userId }}/orders?source=flowline',
      headers: { 'X-Order': '{{ event.properties.orderId }}', Authorization: 'Bearer s3cr3t-token' },
      body: '{"user": event.userId, "event": event.event}',
      sideEffect: false,
    })
    const r = await runWorkflow(wf, { event, fetch })
    expect(r.status).toBe('succeeded')
    expect(calls).toEqual([
      {
        url: 'https://api.example.com/users/u-42/orders?source=flowline',
        method: 'POST',
        headers: {
          'X-Order': 'o-1',
          Authorization: 'Bearer s3cr3t-token',
          'Idempotency-Key': expect.stringMatching(/:h:1$/),
          'Content-Type': 'application/json',
        },
        body: '{"user":"u-42","event":"Order Completed"}',
      },
    ])
    expect(r.steps.h.output).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-trace': 't-1' },
      body: { ok: true, items: [1, 2] },
    })
    // The recorded request never holds the credential.
    expect(r.steps.h.request?.headers.Authorization).toBe('Bearer ••••')
    expect(JSON.stringify(r)).not.toContain('s3cr3t-token')
  })

  it('keeps a non-JSON body as text', async () => {
    const { fetch } = fakeFetch(
      () => new Response('plain words', { status: 200, headers: { 'content-type': 'text/plain' } }),
    )
    const r = await runWorkflow(http({ url: 'https://example.com/' }), { event, fetch })
    expect(r.steps.h.output).toMatchObject({ status: 200, body: 'plain words' })
  })

  it('fails on an error status unless told not to', async () => {
    const { fetch, calls } = fakeFetch(() => json({ error: 'nope' }, 400))
    const failing = await runWorkflow(http({ url: 'https://example.com/x' }), { event, fetch })
    expect(failing.error).toBe('h: GET https://example.com/x answered 400: {"error":"nope"}')
    expect(calls).toHaveLength(1)
    const tolerant = await runWorkflow(http({ url: 'https://example.com/x', failOnError: false }), {
      event,
      fetch,
    })
    expect(tolerant.status).toBe('succeeded')
    expect(tolerant.steps.h.output).toMatchObject({ status: 400 })
  })

  it('retries 429 (honouring Retry-After), 5xx and connection errors, then reports the attempts', async () => {
    const answers = [
      () => new Response('slow down', { status: 429, headers: { 'retry-after': '0' } }),
      () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })),
      () => json({ error: 'busy' }, 503),
      () => json({ ok: 1 }),
    ]
    const { fetch, calls } = fakeFetch(() => answers[calls.length - 1]())
    const r = await runWorkflow(http({ url: 'https://example.com/r' }), { event, fetch, http: fast })
    expect(r.status).toBe('succeeded')
    expect(calls).toHaveLength(4)
    expect(r.steps.h.request?.attempts).toBe(4)
    const always = fakeFetch(() => json({ error: 'down' }, 503))
    const failed = await runWorkflow(http({ url: 'https://example.com/r' }), {
      event,
      fetch: always.fetch,
      http: { ...fast, retries: 2 },
    })
    expect(failed.error).toBe('h: GET https://example.com/r answered 503 after 3 attempts: {"error":"down"}')
  })

  it('gives up at once when Retry-After asks for more than a step waits', async () => {
    const { fetch, calls } = fakeFetch(
      () => new Response('', { status: 429, headers: { 'retry-after': '3600' } }),
    )
    const r = await runWorkflow(http({ url: 'https://example.com/r' }), { event, fetch, http: fast })
    expect(calls).toHaveLength(1)
    expect(r.error).toBe(
      'h: GET https://example.com/r answered 429 (the server asked to retry after 3600 s, longer than the 20 s a step waits)',
    )
  })

  it('times out by its own timeout', async () => {
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      )
    const r = await runWorkflow(http({ url: 'https://slow.example.com/', timeoutMs: 30 }), { event, fetch })
    expect(r.error).toBe('h: GET https://slow.example.com/ timed out after 30 ms')
  })

  it('explains network failures', async () => {
    const fetch: FetchLike = () =>
      Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))
    const r = await runWorkflow(http({ url: 'http://127.0.0.1:9/x?api_key=k-123456' }), {
      event,
      fetch,
      http: fast,
    })
    expect(r.error).toBe(
      'h: GET http://127.0.0.1:9/x?api_key=•••• failed: fetch failed (ECONNREFUSED) (after 4 attempts)',
    )
    const dns = await runWorkflow(http({ url: 'https://nowhere.example/' }), {
      event,
      fetch: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    })
    expect(dns.error).toBe('h: GET https://nowhere.example/ failed: getaddrinfo ENOTFOUND')
  })

  it('in dry runs sends read-only calls but only records side effects', async () => {
    const { fetch, calls } = fakeFetch(() => json({ fine: 1 }))
    const get = await runWorkflow(http({ url: 'https://example.com/read' }), { event, fetch })
    expect(get.steps.h.output).toMatchObject({ body: { fine: 1 } })
    expect(calls).toHaveLength(1)

    const post = await runWorkflow(
      http({ method: 'POST', url: 'https://example.com/write', body: '{"id": event.userId}' }),
      {
        event,
        fetch,
      },
    )
    expect(calls).toHaveLength(1)
    expect(post.steps.h.output).toEqual({ status: 200, headers: {}, body: {} })
    expect(post.steps.h.request).toEqual({
      method: 'POST',
      url: 'https://example.com/write',
      headers: { 'Idempotency-Key': `${post.runId}:h:1` },
      body: { id: 'u-42' },
    })

    const live = await runWorkflow(http({ method: 'POST', url: 'https://example.com/write' }), {
      event,
      fetch,
      dryRun: false,
    })
    expect(live.status).toBe('succeeded')
    expect(calls).toHaveLength(2)
  })

  it('rejects configurations that cannot work, when reached', async () => {
    const noUrl = await runWorkflow(http({ url: '' }), { event })
    expect(noUrl.error).toBe('h: url is empty')
    const getBody = await runWorkflow(http({ url: 'https://x.example/', body: '{}' }), { event })
    expect(getBody.error).toBe('h: a GET request cannot have a body')
    const relative = await runWorkflow(http({ url: '/api/{{ event.userId }}' }), { event })
    expect(relative.error).toBe('h: url must start with http:// or https://, got "/api/u-42"')
    const badTemplate = await runWorkflow(http({ url: 'https://x.example/{{ event.( }}' }), { event })
    expect(badTemplate.error).toMatch(/^h: url: /)
  })

  it('uses an HTTP connection: the url goes below its base URL and its secret never leaves the wire', async () => {
    const secret = 'tok-abcdef-123456'
    const resolveConnection: ConnectionResolver = (id) =>
      id === 'api'
        ? {
            id,
            name: 'API',
            type: 'http',
            config: { baseUrl: 'https://api.example.com/v1/', auth: 'header', headerName: 'X-Auth' },
            secret,
          }
        : null
    const { fetch, calls } = fakeFetch(() => json({ ok: true }))
    const r = await runWorkflow(http({ connectionId: 'api', url: '/users/{{ event.userId }}' }), {
      event,
      fetch,
      resolveConnection,
    })
    expect(r.status).toBe('succeeded')
    expect(calls[0]).toMatchObject({
      url: 'https://api.example.com/v1/users/u-42',
      headers: { 'X-Auth': secret },
    })
    expect(r.steps.h.request?.headers).toEqual({ 'X-Auth': '••••' })
    expect(JSON.stringify(r)).not.toContain(secret)
    const outside = await runWorkflow(http({ connectionId: 'api', url: 'https://evil.example/steal' }), {
      event,
      fetch,
      resolveConnection,
    })
    expect(outside.error).toBe(
      'h: url "https://evil.example/steal" is outside the connection\'s base URL https://api.example.com/v1: credentials only go there',
    )
    expect(calls).toHaveLength(1)
  })
})
