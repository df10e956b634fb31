import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../logger'
import { dialects } from '../testing/databases'
import { loginCookie, startTestServer } from '../testing/harness'
import { trpcHttp } from '../testing/http-client'
import { type StubServer, startStubServer } from '../testing/stub-server'

/**
 * generate-secret end to end: a live run makes a secret, waits (stored in the database, as
 * every live wait is), then sends the secret to an API (a stub on 127.0.0.1 that echoes it).
 * The API gets it; the stored checkpoint of the waiting run, the trace, the run records, the
 * API answers and the logs show its fingerprint only.
 */
type Server = Awaited<ReturnType<typeof startTestServer>>
interface RunView {
  run: { status: string; error: string | null }
  events: { type: string; nodeId?: string; output?: unknown }[]
}

const notation = (apiUrl: string) => `Invite
n1: circle label:"Signed up" type:start config:{}
n2: rectangle label:"Invite token" type:generate-secret config:{"bytes": 24, "prefix": "inv_"}
n3: rectangle label:"A moment" type:wait config:{"duration": "1s"}
n4: rectangle label:"Register" type:http-request config:{
  "method": "POST",
  "url": "${apiUrl}/invites",
  "headers": {"X-Invite": "{{ steps.n2.secret }}"},
  "body": "{\\"userId\\": event.userId, \\"invite\\": steps.n2.secret}"
}
n5: circle label:"Done" type:end config:{}
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left)
n3.handle(right) -> n4.handle(left)
n4.handle(right) -> n5.handle(left)
`

describe.each(dialects)('generate-secret in a live run that waits (%s)', (dialect) => {
  let server: Server
  let api: StubServer
  let cookie: string
  const logs: string[] = []
  const answers: unknown[] = []

  const call = async <T>(path: string, input: unknown, type?: 'query') => {
    const data = await trpcHttp<T>(server.url, path, input, { cookie, type })
    answers.push(data)
    return data
  }
  async function until(runId: string, done: (status: string) => boolean): Promise<RunView> {
    for (let i = 0; i < 500; i++) {
      const view = await call<RunView>('runs.get', { runId }, 'query')
      if (done(view.run.status)) return view
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(`run ${runId} never got there`)
  }

  beforeAll(async () => {
    api = await startStubServer((req) => ({
      status: 201,
      body: { registered: (req.body as { invite: string }).invite },
    }))
    const logger = createLogger('debug', { write: (line: string) => void logs.push(line) })
    server = await startTestServer(dialect, { allowHosts: '127.0.0.1', logger })
    cookie = await loginCookie(server.url)
  })
  afterAll(async () => {
    await server.close()
    await api.close()
  })

  it('sends the secret after the wait, and stores, traces and logs its fingerprint only', async () => {
    const { id: workflowId } = await call<{ id: string }>('workflows.create', { notation: notation(api.url) })
    const event = { type: 'track', event: 'Signed Up', userId: 'u-7', messageId: 'm-7' }
    const { runId } = await call<{ runId: string }>('runs.start', { workflowId, event, live: true })

    await until(runId, (s) => s === 'waiting')
    const waiting = await server.db
      .selectFrom('runs')
      .select('state')
      .where('id', '=', runId)
      .executeTakeFirst()
    expect(waiting?.state?.startsWith('sealed:')).toBe(true)
    const view = await until(runId, (s) => !['queued', 'running', 'waiting'].includes(s))
    expect(view.run).toMatchObject({ status: 'succeeded', error: null })

    expect(api.requests).toHaveLength(1)
    const secret = (api.requests[0].body as { invite: string }).invite
    expect(secret).toMatch(/^inv_[A-Za-z0-9_-]{32}$/)
    expect(api.requests[0].headers['x-invite']).toBe(secret)
    const fingerprint = `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`
    const made = view.events.find((e) => e.type === 'node.finished' && e.nodeId === 'n2')
    expect(made?.output).toEqual({ secret: `•••• ${fingerprint}`, fingerprint })
    const sent = view.events.find((e) => e.type === 'node.finished' && e.nodeId === 'n4')
    expect(sent?.output).toMatchObject({ body: { registered: `•••• ${fingerprint}` } })

    await call('runs.list', { limit: 1000 }, 'query')
    const exported = await call('workflows.get', { id: workflowId }, 'query')
    const db = server.db
    const tables = await Promise.all(
      (['runs', 'run_trace', 'run_waits', 'audit_log', 'workflow_versions', 'data_store'] as const).map((t) =>
        db.selectFrom(t).selectAll().execute(),
      ),
    )
    expect(logs.length).toBeGreaterThan(5)
    const haystacks = {
      'the waiting run': JSON.stringify(waiting),
      'API responses': JSON.stringify(answers),
      exports: JSON.stringify(exported),
      'database rows': JSON.stringify(tables),
      logs: logs.join(''),
    }
    for (const [where, text] of Object.entries(haystacks))
      expect(text.includes(secret), `${where} hold the secret`).toBe(false)
  })
})
