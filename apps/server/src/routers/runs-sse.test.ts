import { EventSource } from 'eventsource'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects } from '../testing/databases'
import { loginCookie, startTestServer } from '../testing/harness'
import { segmentEvent, trpcHttp } from '../testing/http-client'

type Received = { id: string; type: string }

/** Follows runs.onTrace over SSE like the browser's httpSubscriptionLink, until the server ends the stream. */
function follow(baseUrl: string, cookie: string, input: Record<string, unknown>): Promise<Received[]> {
  const url = `${baseUrl}/trpc/runs.onTrace?input=${encodeURIComponent(JSON.stringify(input))}`
  return new Promise((resolve, reject) => {
    const received: Received[] = []
    const es = new EventSource(url, {
      fetch: (u, init) =>
        fetch(u, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } }),
    })
    const timer = setTimeout(() => {
      es.close()
      reject(new Error(`timed out after ${received.length} events`))
    }, 15_000)
    es.onmessage = (m) =>
      received.push({ id: m.lastEventId, type: (JSON.parse(m.data) as { type: string }).type })
    es.addEventListener('return', () => {
      clearTimeout(timer)
      es.close()
      resolve(received)
    })
    es.addEventListener('serialized-error', (m) => {
      clearTimeout(timer)
      es.close()
      reject(new Error((m as MessageEvent).data))
    })
  })
}

describe.each(dialects)('live run traces over SSE (%s)', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let cookie: string
  let workflowId: string

  beforeAll(async () => {
    server = await startTestServer(dialect)
    cookie = await loginCookie(server.url)
    workflowId = (
      await trpcHttp<{ id: string }>(
        server.url,
        'workflows.create',
        { template: 'personalization' },
        { cookie },
      )
    ).id
  })
  afterAll(() => server.close())

  it('streams a test run from run.started to run.finished with consecutive event ids', async () => {
    const { runId } = await trpcHttp<{ runId: string }>(
      server.url,
      'runs.start',
      { workflowId, event: segmentEvent('sse-1') },
      { cookie },
    )
    const events = await follow(server.url, cookie, { runId })
    expect(events[0].type).toBe('run.started')
    expect(events.at(-1)?.type).toBe('run.finished')
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => String(i + 1)))
    expect(events.some((e) => e.type === 'node.finished')).toBe(true)
  })

  it('resumes after the last event id, replaying stored events of a finished run', async () => {
    const { runId } = await trpcHttp<{ runId: string }>(
      server.url,
      'runs.start',
      { workflowId, event: segmentEvent('sse-2') },
      { cookie },
    )
    const all = await follow(server.url, cookie, { runId })
    const rest = await follow(server.url, cookie, { runId, lastEventId: '3' })
    expect(rest.map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id))
    expect(rest.at(-1)?.type).toBe('run.finished')
  })

  it('refuses anonymous subscribers', async () => {
    const res = await fetch(
      `${server.url}/trpc/runs.onTrace?input=${encodeURIComponent(JSON.stringify({ runId: 'x' }))}`,
    )
    const text = await res.text()
    expect(text).toContain('UNAUTHORIZED')
  })
})
