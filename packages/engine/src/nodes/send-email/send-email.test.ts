import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from '../../dsl/parser'
import type { Workflow } from '../../model/schema'
import { runWorkflow } from '../../run/executor'
import { end, flow, start } from '../../run/fixtures'
import { runTestCases } from '../../run/test-cases'
import { validate } from '../../validate/validate'
import type { ConnectionResolver, ResolvedConnection } from '../shared/connections'
import type { MailMessage, SendMail } from '../shared/mail'

const example = parse(readFileSync(new URL('./send-email.flow', import.meta.url), 'utf8'))
  .workflow as Workflow

const PASSWORD = 'smtp-Pa55word-9f3e1c'
const event = {
  type: 'track',
  event: 'Order Completed',
  userId: 'u-1',
  properties: { orderId: 'A-17' },
  context: { traits: { email: 'ada@example.com', firstName: 'Ada' } },
}

const smtp: ResolvedConnection = {
  id: 'conn-mail',
  name: 'Mail',
  type: 'smtp',
  config: {
    host: 'smtp.example.com',
    port: 587,
    secure: false,
    user: 'flowline',
    from: 'Shop <news@shop.example>',
  },
  secret: PASSWORD,
}
const resolve: ConnectionResolver = (id) => (id === smtp.id ? smtp : null)

const mail = (config: Record<string, unknown>) =>
  flow(
    [
      start('s'),
      {
        id: 'm',
        type: 'send-email',
        config: {
          connectionId: smtp.id,
          to: '{{ event.context.traits.email }}',
          subject: 'Order {{ event.properties.orderId }}\r\nBcc: everyone@example.com',
          text: 'Thanks, {{ event.context.traits.firstName }}!',
          ...config,
        },
      },
      end('e'),
    ],
    ['s -> m', 'm -> e'],
  )

function fakeTransport(answer?: (m: MailMessage) => Promise<{ messageId: string; accepted: string[] }>) {
  const calls: Parameters<SendMail>[] = []
  const sendMail: SendMail = (...args) => {
    calls.push(args)
    return answer ? answer(args[1]) : Promise.resolve({ messageId: args[1].messageId, accepted: args[1].to })
  }
  return { sendMail, calls }
}

describe('send-email', () => {
  it('the .flow example validates cleanly and its test case passes', async () => {
    expect(validate(example).filter((i) => i.severity === 'error')).toEqual([])
    const results = await runTestCases(example)
    expect(results.map((r) => [r.name, r.passed, r.failures])).toEqual([
      ['a test run records the confirmation instead of sending it', true, []],
    ])
  })

  it('a dry run records the rendered message it would send, never the password, and sends nothing', async () => {
    const { sendMail, calls } = fakeTransport()
    const wf = mail({ html: '<p>Order <b>{{ event.properties.orderId }}</b></p>' })
    const r = await runWorkflow(wf, { event, runId: 'r-1', resolveConnection: resolve, sendMail })
    expect(r.status).toBe('succeeded')
    expect(calls).toEqual([])
    expect(r.steps.m.request).toEqual({
      method: 'SEND',
      url: 'smtp://smtp.example.com:587',
      headers: { 'Message-ID': '<r-1.m.1@shop.example>', 'Idempotency-Key': 'r-1:m:1' },
      body: {
        from: 'Shop <news@shop.example>',
        to: ['ada@example.com'],
        // The line break from the template cannot start a header of its own.
        subject: 'Order A-17 Bcc: everyone@example.com',
        text: 'Thanks, Ada!',
        html: '<p>Order <b>A-17</b></p>',
      },
    })
    expect(r.steps.m.output).toEqual({ messageId: '<r-1.m.1@shop.example>', accepted: ['ada@example.com'] })
    const finished = r.events?.find((e) => e.type === 'node.finished' && e.nodeId === 'm')
    expect(finished).toMatchObject({ request: r.steps.m.request })
    expect(JSON.stringify(r)).not.toContain(PASSWORD)
  })

  it('a dry run without connections (the CLI) records the message from a placeholder sender', async () => {
    const r = await runWorkflow(mail({ connectionId: '' }), { event, runId: 'r-2' })
    expect(r.status).toBe('succeeded')
    expect(r.steps.m.request).toMatchObject({
      url: 'smtp://smtp.example.invalid:587',
      body: { from: 'Flowline <flowline@example.invalid>', to: ['ada@example.com'] },
    })
  })

  it('a live run hands the rendered message, the connection and the idempotency key to sendMail', async () => {
    const { sendMail, calls } = fakeTransport(async (m) => ({ messageId: m.messageId, accepted: [m.to[0]] }))
    const wf = mail({ to: '"Lovelace, Ada" <ada@example.com>; bob@example.com' })
    const r = await runWorkflow(wf, {
      event,
      runId: 'r-3',
      dryRun: false,
      resolveConnection: resolve,
      sendMail,
    })
    expect(r.status).toBe('succeeded')
    expect(calls).toHaveLength(1)
    const [connection, message, options] = calls[0]
    expect(connection).toEqual({ config: smtp.config, secret: PASSWORD })
    expect(message).toEqual({
      from: 'Shop <news@shop.example>',
      to: ['"Lovelace, Ada" <ada@example.com>', 'bob@example.com'],
      subject: 'Order A-17 Bcc: everyone@example.com',
      text: 'Thanks, Ada!',
      messageId: '<r-3.m.1@shop.example>',
      headers: { 'Idempotency-Key': 'r-3:m:1' },
    })
    expect(options.idempotencyKey).toBe('r-3:m:1')
    // The run's cancellation, so a cancelled run stops waiting for the mail server.
    expect(options.signal?.aborted).toBe(false)
    expect(typeof options.signal?.addEventListener).toBe('function')
    expect(r.steps.m.output).toEqual({
      messageId: '<r-3.m.1@shop.example>',
      accepted: ['"Lovelace, Ada" <ada@example.com>'],
    })
    expect(JSON.stringify(r)).not.toContain(PASSWORD)
  })

  it('sends to every address of a list a template gives', async () => {
    const { sendMail, calls } = fakeTransport()
    const wf = mail({ to: '{{ event.properties.team }}' })
    const team = ['a@example.com', 'b@example.com']
    const r = await runWorkflow(wf, {
      event: { ...event, properties: { orderId: 'A-1', team } },
      dryRun: false,
      resolveConnection: resolve,
      sendMail,
    })
    expect(r.status).toBe('succeeded')
    expect(calls[0][1].to).toEqual(team)
  })

  it('fails clearly without a usable connection or transport, and for a bad address', async () => {
    const { sendMail } = fakeTransport()
    const live = { event, dryRun: false, resolveConnection: resolve, sendMail }
    const errorOf = async (wf: Workflow, options: Parameters<typeof runWorkflow>[1] = live) =>
      (await runWorkflow(wf, options)).error
    expect(await errorOf(mail({ connectionId: '' }))).toBe(
      'm: no SMTP connection is selected: choose one in the step settings (connectionId)',
    )
    expect(await errorOf(mail({ connectionId: 'gone' }))).toBe(
      'm: connection "gone" does not exist (deleted?): choose another one',
    )
    const http: ResolvedConnection = {
      id: 'conn-http',
      name: 'API',
      type: 'http',
      config: { baseUrl: 'https://api.example.com', auth: 'none' },
      secret: '',
    }
    expect(await errorOf(mail({ connectionId: http.id }), { ...live, resolveConnection: () => http })).toBe(
      'm: connection "API" is a http connection; this step needs a SMTP (e-mail) connection',
    )
    expect(await errorOf(mail({}), { ...live, sendMail: undefined })).toBe(
      'm: sending e-mail is not available here: the run was started without an SMTP transport',
    )
    expect(await errorOf(mail({ to: 'someone' }))).toBe('m: to: "someone" is not an e-mail address')
    expect(await errorOf(mail({ to: '{{ event.nobody }}' }))).toBe(
      'm: to: no recipient (the template gave no address)',
    )
  })

  it('keeps the password out of a failure the server reports', async () => {
    const { sendMail } = fakeTransport(() =>
      Promise.reject(new Error(`535 authentication failed for flowline/${PASSWORD}`)),
    )
    const r = await runWorkflow(mail({}), { event, dryRun: false, resolveConnection: resolve, sendMail })
    expect(r.error).toBe('m: smtp://smtp.example.com:587: 535 authentication failed for flowline/••••')
    expect(JSON.stringify(r)).not.toContain(PASSWORD)
  })

  it('needs an SMTP connection to be published, and its fields filled in', () => {
    const connections = [{ id: smtp.id, name: 'Mail', type: 'smtp' }]
    const codes = (wf: Workflow) =>
      validate(wf, { connections })
        .filter((i) => i.severity === 'error')
        .map((i) => [i.code, i.message])
    expect(codes(mail({}))).toEqual([])
    expect(codes(mail({ connectionId: '' }))).toEqual([
      [
        'connection-missing',
        'm: choose a SMTP (e-mail) connection (config.connectionId); live runs cannot send without one',
      ],
    ])
    expect(codes(mail({ subject: ' ', text: '' }))).toEqual([
      ['config-invalid', 'm (send-email): config.subject: write a subject; config.text: write the message'],
    ])
  })
})
