import { Analytics } from '@segment/analytics-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workflow } from '../services/engine'
import { dialects } from '../testing/databases'
import { retentionFlow } from '../testing/flows'
import { loginCookie, startTestServer } from '../testing/harness'
import { trpcHttp } from '../testing/http-client'

type Server = Awaited<ReturnType<typeof startTestServer>>
type Run = { id: string; status: string; trigger: string; messageId: string | null }

/** A workflow that copies the message's properties into a variable, so a run shows what it got. */
const echoFlow = (title: string): Workflow => ({
  title,
  description: '',
  groups: [],
  nodes: [
    { id: 's', group: null, shape: 'circle', label: 'Event', type: 'start', config: {} },
    {
      id: 't',
      group: null,
      shape: 'rectangle',
      label: 'Keep',
      type: 'transform',
      config: { vars: { what: 'event.type & ":" & (event.event ? event.event : "")' } },
    },
    { id: 'e', group: null, shape: 'circle', label: 'Done', type: 'end' },
  ],
  edges: [
    { id: 's-t', source: 's', sourceHandle: 'right', target: 't', targetHandle: 'left' },
    { id: 't-e', source: 't', sourceHandle: 'right', target: 'e', targetHandle: 'left' },
  ],
})

const basic = (writeKey: string) => `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`

describe.each(dialects)('Segment HTTP Tracking API (%s)', (dialect) => {
  let server: Server
  let cookie: string
  let workflowId: string
  let writeKey: string
  let sourceId: string

  const trpc = <T>(path: string, input: unknown, type?: 'query') =>
    trpcHttp<T>(server.url, path, input, { cookie, ...(type ? { type } : {}) })
  const runs = () => trpc<Run[]>('runs.list', { workflowId, limit: 1000 }, 'query')
  async function settled(count: number): Promise<Run[]> {
    for (let i = 0; i < 300; i++) {
      const list = await runs()
      if (list.length >= count && list.every((r) => !['queued', 'running'].includes(r.status))) return list
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`expected ${count} finished runs, have ${(await runs()).length}`)
  }
  const client = (key: string) =>
    new Analytics({ writeKey: key, host: server.url, flushAt: 100, flushInterval: 50, maxRetries: 0 })

  beforeAll(async () => {
    server = await startTestServer(dialect)
    cookie = await loginCookie(server.url)
    workflowId = (await trpc<{ id: string }>('workflows.create', { model: echoFlow('From the app') })).id
    await trpc('workflows.publish', { id: workflowId, version: 1 })
    ;({ id: sourceId, writeKey } = await trpc<{ id: string; writeKey: string }>('sources.create', {
      name: 'Web app',
    }))
    await trpc('sources.subscribe', { sourceId, workflowId })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('turns track, identify and page calls of the official client into runs with their properties intact', async () => {
    const analytics = client(writeKey)
    analytics.track({ userId: 'u-1', event: 'Order Completed', properties: { total: 42, items: ['a', 'b'] } })
    analytics.identify({ userId: 'u-1', traits: { email: 'ana@example.com', plan: 'pro' } })
    analytics.page({ anonymousId: 'anon-7', name: 'Pricing', properties: { path: '/pricing' } })
    await analytics.closeAndFlush()
    const list = await settled(3)
    expect(list.map((r) => [r.status, r.trigger])).toEqual([
      ['succeeded', 'source'],
      ['succeeded', 'source'],
      ['succeeded', 'source'],
    ])
    const events = await Promise.all(
      list.map(
        async (r) =>
          (await trpc<{ run: { event: Record<string, unknown> } }>('runs.get', { runId: r.id }, 'query')).run
            .event,
      ),
    )
    const track = events.find((e) => e.type === 'track')
    expect(track).toMatchObject({
      userId: 'u-1',
      event: 'Order Completed',
      properties: { total: 42, items: ['a', 'b'] },
    })
    expect(track?.messageId).toEqual(expect.any(String))
    expect(track?.receivedAt).toEqual(expect.any(String))
    expect(events.find((e) => e.type === 'identify')).toMatchObject({
      traits: { email: 'ana@example.com', plan: 'pro' },
    })
    expect(events.find((e) => e.type === 'page')).toMatchObject({ anonymousId: 'anon-7', name: 'Pricing' })
    const messages = await trpc<{ summary: string; runs: unknown[] }[]>(
      'sources.messages',
      { sourceId },
      'query',
    )
    expect(messages.slice(0, 3).map((m) => m.summary)).toEqual([
      'page Pricing · anon-7',
      'identify · u-1',
      'track Order Completed · u-1',
    ])
    expect(messages[0].runs).toEqual([{ workflowId, runId: expect.any(String) }])
  })

  it('runs a flush of 500 events, once each, and a resent batch starts nothing new', async () => {
    const before = (await runs()).length
    const analytics = client(writeKey)
    for (let i = 0; i < 500; i++)
      analytics.track({ userId: `bulk-${i}`, event: 'Bulk', messageId: `bulk-${i}`, properties: { i } })
    await analytics.closeAndFlush()
    await settled(before + 500)
    // The same messages again, as a library retrying after a lost answer would send them.
    const batch = Array.from({ length: 100 }, (_, i) => ({
      type: 'track',
      userId: `bulk-${i}`,
      event: 'Bulk',
      messageId: `bulk-${i}`,
    }))
    const again = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: basic(writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({ batch }),
    })
    expect(again.status).toBe(200)
    const after = await settled(before + 500)
    expect(after).toHaveLength(before + 500)
    expect(new Set(after.map((r) => r.messageId)).size).toBe(after.length)
  })

  it('resumes a run waiting for an event when that event comes through the source', async () => {
    const model = retentionFlow()
    const { id } = await trpc<{ id: string }>('workflows.create', { model })
    await trpc('workflows.publish', { id, version: 1 })
    await trpc('sources.subscribe', { sourceId, workflowId: id })
    const list = () => trpc<Run[]>('runs.list', { workflowId: id }, 'query')
    const until = async (status: string) => {
      for (let i = 0; i < 100 && (await list())[0]?.status !== status; i++)
        await new Promise((r) => setTimeout(r, 100))
      return (await list())[0]
    }
    const analytics = client(writeKey)
    analytics.track({ userId: 'leaving-1', event: 'Cancel Requested' })
    await analytics.closeAndFlush()
    expect((await until('waiting'))?.status).toBe('waiting')
    const again = client(writeKey)
    again.track({ userId: 'leaving-1', event: 'Offer Accepted' })
    await again.closeAndFlush()
    const done = await until('succeeded')
    expect(done?.status).toBe('succeeded')
    expect(await list()).toHaveLength(1)
    await trpc('sources.unsubscribe', { sourceId, workflowId: id })
  })

  it('refuses an unknown write key, and the client reports it', async () => {
    const analytics = client('wk_not-a-key')
    const errors: string[] = []
    analytics.on('error', (err) => errors.push(String((err as { reason?: Error }).reason?.message)))
    analytics.track({ userId: 'u-x', event: 'Nope' })
    await analytics.closeAndFlush()
    expect(errors).toEqual(['[401] Unauthorized'])
    const res = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: basic('wrong'), 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u', event: 'x' }),
    })
    expect(res.status).toBe(401)
  })

  it('answers oversized and malformed calls as Segment does, and a batch whole or not at all', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: basic(writeKey), 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
    const before = (await runs()).length
    const big = await post('/v1/track', {
      userId: 'u',
      event: 'Big',
      properties: { blob: 'x'.repeat(33 * 1024) },
    })
    expect(big.status).toBe(400)
    expect(await big.json()).toEqual({ success: false, error: 'Message larger than 32 KB' })
    const huge = await post('/v1/batch', {
      batch: [{ type: 'track', userId: 'u', event: 'x', properties: { b: 'y'.repeat(510 * 1024) } }],
    })
    expect(huge.status).toBe(400)
    expect(await huge.json()).toEqual({ success: false, error: 'Batch larger than 500 KB' })
    const bad = await post('/v1/batch', {
      batch: [
        { type: 'track', userId: 'ok-1', event: 'Fine' },
        { type: 'track', userId: 'ok-2' },
      ],
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({
      success: false,
      error: 'batch[1]: track needs an event name',
      index: 1,
    })
    expect((await post('/v1/identify', { traits: {} })).status).toBe(400)
    expect((await post('/v1/track', '{"userId":')).status).toBe(400)
    // The key may also travel in the body, as Segment accepts.
    const inBody = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ writeKey, userId: 'body-key', event: 'Key in body' }),
    })
    expect(inBody.status).toBe(200)
    expect(await inBody.json()).toEqual({ success: true })
    const after = await settled(before + 1)
    expect(after).toHaveLength(before + 1)
  })
})
