import type { MailMessage } from '@flowline/engine'
import { afterEach, describe, expect, it } from 'vitest'
import { headerOf, type SmtpSink, startSmtpSink } from '../testing/smtp-sink'
import { createMailClient } from './mail-client'
import { createOutboundGuard } from './outbound-guard'

const PASSWORD = 'sink-Pa55-6d0c9b'
const message: MailMessage = {
  from: 'Shop <news@shop.example>',
  to: ['ada@example.com'],
  subject: 'Order A-17 is confirmed',
  text: 'Thanks, Ada!',
  html: '<p>Thanks, <b>Ada</b>!</p>',
  messageId: '<r-1.m.1@shop.example>',
  headers: { 'Idempotency-Key': 'r-1:m:1' },
}
const options = { idempotencyKey: 'r-1:m:1' }

describe('the mail client', () => {
  let sink: SmtpSink
  afterEach(() => sink?.close())

  const connection = (host = sink.host, user = 'flowline', secret = PASSWORD) => ({
    config: { host, port: sink.port, secure: false, user, from: message.from },
    secret,
  })
  const allowed = () => createMailClient({ guard: createOutboundGuard({ allowHosts: '127.0.0.1' }) })

  it('refuses a loopback mail server FLOWLINE_ALLOW_HOSTS does not list, by address or by name', async () => {
    sink = await startSmtpSink({ login: { username: 'flowline', password: PASSWORD } })
    const send = createMailClient({ guard: createOutboundGuard({ allowHosts: '' }) })
    await expect(send(connection(), message, options)).rejects.toThrow(
      'refused by the outbound guard: 127.0.0.1 is a loopback address; list it in FLOWLINE_ALLOW_HOSTS to allow it',
    )
    await expect(send(connection('localhost'), message, options)).rejects.toThrow(
      /^refused by the outbound guard: localhost is a loopback address \(localhost resolves to (127\.0\.0\.1|::1)\)/,
    )
    expect(sink.connections()).toBe(0)
  })

  it('delivers through an allowed server, logged in with AUTH PLAIN, with the Message-ID it was given', async () => {
    sink = await startSmtpSink({
      login: { username: 'flowline', password: PASSWORD },
      authMethods: ['PLAIN'],
    })
    const sent = await allowed()(connection(), message, options)
    expect(sent).toEqual({ messageId: '<r-1.m.1@shop.example>', accepted: ['ada@example.com'] })
    expect(sink.logins).toEqual([
      { method: 'PLAIN', username: 'flowline', password: PASSWORD, accepted: true },
    ])
    expect(sink.messages).toHaveLength(1)
    const [got] = sink.messages
    expect(got).toMatchObject({ from: 'news@shop.example', to: ['ada@example.com'], user: 'flowline' })
    expect(headerOf(got.raw, 'Subject')).toBe('Order A-17 is confirmed')
    expect(headerOf(got.raw, 'Message-ID')).toBe('<r-1.m.1@shop.example>')
    expect(headerOf(got.raw, 'Idempotency-Key')).toBe('r-1:m:1')
    expect(got.raw).toContain('Thanks, Ada!')
    expect(got.raw).toContain('<p>Thanks, <b>Ada</b>!</p>')
  })

  it('logs in with AUTH LOGIN where that is all the server offers', async () => {
    sink = await startSmtpSink({
      login: { username: 'flowline', password: PASSWORD },
      authMethods: ['LOGIN'],
    })
    await allowed()(connection(), message, options)
    expect(sink.logins).toEqual([
      { method: 'LOGIN', username: 'flowline', password: PASSWORD, accepted: true },
    ])
    expect(sink.messages).toHaveLength(1)
  })

  it('fails on a wrong password without sending, and tests a connection without sending', async () => {
    sink = await startSmtpSink({ login: { username: 'flowline', password: PASSWORD } })
    const client = allowed()
    const wrong = 'not-the-password-1234'
    const error = await client(connection(sink.host, 'flowline', wrong), message, options).catch(
      (e: Error) => e,
    )
    expect(String(error)).toMatch(/Invalid login/)
    expect(String(error)).not.toContain(wrong)
    await client.verify(connection())
    expect(sink.logins.map((l) => l.accepted)).toEqual([false, true])
    expect(sink.messages).toEqual([])
  })
})
