import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workflow } from '../services/engine'
import { loginCookie, startTestServer } from '../testing/harness'
import { segmentEvent, trpcHttp } from '../testing/http-client'

type Server = Awaited<ReturnType<typeof startTestServer>>

/** A fresh install (no FLOWLINE_ALLOW_HOSTS): the built-in demo works, everything else local is refused. */
describe('outbound guard on a fresh install', () => {
  let server: Server
  let cookie: string
  let workflowId: string
  let model: Workflow
  const run = async (m: Workflow) => {
    const { runId } = await trpcHttp<{ runId: string }>(
      server.url,
      'runs.start',
      { workflowId, model: m, event: segmentEvent(`g-${Math.random()}`) },
      { cookie },
    )
    await server.services.queue.drain(10_000)
    return trpcHttp<{
      run: { status: string; error: string | null }
      events: { type: string; nodeId?: string; output?: unknown }[]
    }>(server.url, 'runs.get', { runId }, { cookie, type: 'query' })
  }
  const withN8 = (config: Record<string, unknown>): Workflow => ({
    ...model,
    nodes: model.nodes.map((n) =>
      n.id === 'n8' ? { ...n, config: { ...(n.config as object), ...config } } : n,
    ),
  })

  beforeAll(async () => {
    server = await startTestServer('sqlite')
    cookie = await loginCookie(server.url)
    workflowId = (
      await trpcHttp<{ id: string }>(
        server.url,
        'workflows.create',
        { template: 'personalization' },
        { cookie },
      )
    ).id
    model = (
      await trpcHttp<{ version: { model: Workflow } }>(
        server.url,
        'workflows.get',
        { id: workflowId },
        { cookie, type: 'query' },
      )
    ).version.model
  })
  afterAll(() => server.close())

  it("really calls this server's demo recommender in test runs", async () => {
    const { run: r, events } = await run(model)
    expect(r.status).toBe('succeeded')
    const n8 = events.find((e) => e.type === 'node.finished' && e.nodeId === 'n8')
    expect(n8?.output).toMatchObject({ status: 200, body: { confidence: expect.any(Number) } })
  })

  it('refuses other paths on this server, metadata and private addresses', async () => {
    const hook = await run(withN8({ url: `${server.url}/api/hooks/${workflowId}` }))
    expect(hook.run.error).toBe(
      `n8: POST ${server.url}/api/hooks/${workflowId} failed: refused by the outbound guard: 127.0.0.1 is a loopback address; list it in FLOWLINE_ALLOW_HOSTS to allow it`,
    )
    const metadata = await run(
      withN8({ method: 'GET', body: undefined, url: 'http://169.254.169.254/latest/meta-data/' }),
    )
    expect(metadata.run.error).toContain('169.254.169.254 is a cloud metadata address')
    const internal = await run(withN8({ url: 'http://10.0.0.1/recommend' }))
    expect(internal.run.error).toContain('10.0.0.1 is a private address')
  })
})
