import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../logger'
import { dialects } from '../testing/databases'
import { loginCookie, startTestServer } from '../testing/harness'
import { trpcHttp } from '../testing/http-client'
import { headerOf, type SmtpSink, startSmtpSink } from '../testing/smtp-sink'

/**
 * send-email end to end: the real server (run threads, outbound guard, database) sends
 * through an SMTP connection to a real SMTP server on 127.0.0.1 (allow-listed), logging in
 * with the connection's password, which must then appear nowhere it could be read.
 */
const PASSWORD = 'smtp-LIVE-Pa55-0c7e41a9'
const event = {
  type: 'track',
  event: 'Order Completed',
  userId: 'u-1',
  messageId: 'm-1',
  properties: { orderId: 'A-17' },
  context: { traits: { email: 'ada@example.com', firstName: 'Ada' } },
}

type Server = Awaited<ReturnType<typeof startTestServer>>
interface RunView {
  run: { status: string; error: string | null; dryRun: boolean }
  events: { type: string; nodeId?: string; request?: { headers: Record<string, string>; body: unknown } }[]
}

const notation = (connectionId: string) => `Order confirmation
n1: circle label:"Order completed" type:start config:{}
n2: rectangle label:"Confirmation" type:send-email config:{
  "connectionId": "${connectionId}",
  "to": "{{ event.context.traits.email }}",
  "subject": "Order {{ event.properties.orderId }} is confirmed",
  "text": "Thanks, {{ event.context.traits.firstName }}! Your order is on its way."
}
n3: circle label:"Done" type:end config:{}
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left)
`

describe.each(dialects)('send-email through an SMTP connection (%s)', (dialect) => {
  let server: Server
  let sink: SmtpSink
  let cookie: string
  let workflowId: string
  let connectionId: string
  const logs: string[] = []
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

  beforeAll(async () => {
    sink = await startSmtpSink({ login: { username: 'flowline', password: PASSWORD } })
    const logger = createLogger('debug', { write: (line: string) => void logs.push(line) })
    server = await startTestServer(dialect, { allowHosts: '127.0.0.1', logger })
    cookie = await loginCookie(server.url)
    ;({ id: connectionId } = await call<{ id: string }>('connections.create', {
      name: 'Shop mail',
      type: 'smtp',
      config: {
        host: sink.host,
        port: sink.port,
        secure: false,
        user: 'flowline',
        from: 'Shop <news@shop.example>',
      },
      secret: PASSWORD,
    }))
    ;({ id: workflowId } = await call<{ id: string }>('workflows.create', {
      notation: notation(connectionId),
    }))
  })
  afterAll(async () => {
    await server.close()
    await sink.close()
  })

  it('a live run delivers the rendered message, logged in with the connection password', async () => {
    const { runId } = await call<{ runId: string }>('runs.start', { workflowId, event, live: true })
    const view = await finished(runId)
    expect(view.run).toMatchObject({ status: 'succeeded', dryRun: false })
    expect(sink.logins).toEqual([
      {
        method: expect.stringMatching(/^(PLAIN|LOGIN)$/),
        username: 'flowline',
        password: PASSWORD,
        accepted: true,
      },
    ])
    expect(sink.messages).toHaveLength(1)
    const [got] = sink.messages
    expect(got).toMatchObject({ from: 'news@shop.example', to: ['ada@example.com'], user: 'flowline' })
    expect(headerOf(got.raw, 'Subject')).toBe('Order A-17 is confirmed')
    expect(headerOf(got.raw, 'Message-ID')).toBe(`<${runId}.n2.1@shop.example>`)
    expect(headerOf(got.raw, 'Idempotency-Key')).toBe(`${runId}:n2:1`)
    expect(got.raw).toContain('Thanks, Ada! Your order is on its way.')
    const step = view.events.find((e) => e.type === 'node.finished' && e.nodeId === 'n2')
    expect(step?.request).toMatchObject({
      url: `smtp://${sink.host}:${sink.port}`,
      body: { to: ['ada@example.com'], subject: 'Order A-17 is confirmed' },
    })
  })

  it('a test run records the message and sends nothing', async () => {
    const before = sink.messages.length
    const { runId } = await call<{ runId: string }>('runs.start', { workflowId, event })
    const view = await finished(runId)
    expect(view.run).toMatchObject({ status: 'succeeded', dryRun: true })
    const step = view.events.find((e) => e.type === 'node.finished' && e.nodeId === 'n2')
    expect(step?.request?.body).toEqual({
      from: 'Shop <news@shop.example>',
      to: ['ada@example.com'],
      subject: 'Order A-17 is confirmed',
      text: 'Thanks, Ada! Your order is on its way.',
    })
    expect(sink.messages).toHaveLength(before)
  })

  it('"Test connection" logs in through the same guard, sending nothing', async () => {
    const before = sink.messages.length
    const result = await call<{ ok: boolean; message: string }>('connections.test', { id: connectionId })
    expect(result).toMatchObject({ ok: true, message: 'Connected: the mail server accepted the login' })
    expect(sink.logins.at(-1)).toMatchObject({ password: PASSWORD, accepted: true })
    expect(sink.messages).toHaveLength(before)
  })

  it('never lets the password into an API response, trace, run record, export or log line', async () => {
    const runs = await call<{ id: string }[]>('runs.list', { limit: 1000 }, 'query')
    for (const r of runs) await call('runs.get', { runId: r.id }, 'query')
    await call('connections.list', {}, 'query')
    await call('audit.list', { limit: 1000 }, 'query')
    const exported = await call('workflows.get', { id: workflowId }, 'query')
    const db = server.db
    const tables = await Promise.all(
      (
        ['runs', 'run_trace', 'audit_log', 'workflow_versions', 'workflows', 'meta', 'connections'] as const
      ).map((t) => db.selectFrom(t).selectAll().execute()),
    )
    expect(runs.length).toBeGreaterThanOrEqual(2)
    const haystacks = {
      'API responses': JSON.stringify(answers),
      exports: JSON.stringify(exported),
      'database rows': JSON.stringify(tables),
      logs: logs.join(''),
    }
    for (const [where, text] of Object.entries(haystacks))
      expect(text.includes(PASSWORD), `${where} hold the password`).toBe(false)
  })
})
