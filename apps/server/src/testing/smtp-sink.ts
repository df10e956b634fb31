import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface SinkMessage {
  from: string
  to: string[]
  /** The message as received: headers, blank line, body. */
  raw: string
  /** Who logged in for it, if anyone did. */
  user: string | undefined
}

export interface SinkLogin {
  method: string
  username: string
  password: string
  accepted: boolean
}

export interface SinkOptions {
  /** The one login accepted; without it, mail is taken from anyone. */
  login?: { username: string; password: string }
  /** The SASL mechanisms offered, e.g. ['LOGIN']; default PLAIN and LOGIN. */
  authMethods?: string[]
}

/**
 * A real SMTP server on 127.0.0.1 standing in for a mail provider: records every login and
 * message. Plain text without STARTTLS (tests have no certificate), so it allows AUTH over
 * the unencrypted connection, which a real server should not.
 */
export async function startSmtpSink(opts: SinkOptions = {}) {
  const messages: SinkMessage[] = []
  const logins: SinkLogin[] = []
  let connections = 0
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: !opts.login,
    authMethods: opts.authMethods ?? ['PLAIN', 'LOGIN'],
    banner: 'flowline test sink',
    logger: false,
    onConnect(_session, callback) {
      connections++
      callback()
    },
    onAuth(auth, _session, callback) {
      const username = auth.username ?? ''
      const password = auth.password ?? ''
      const accepted = username === opts.login?.username && password === opts.login?.password
      logins.push({ method: auth.method, username, password, accepted })
      if (!accepted) return callback(new Error('Invalid username or password'))
      callback(null, { user: username })
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const { mailFrom, rcptTo } = session.envelope
        messages.push({
          from: mailFrom ? mailFrom.address : '',
          to: rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    host: '127.0.0.1',
    port,
    messages,
    logins,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>

/** A header of a received message (folded lines joined), or undefined. */
export function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ')
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}
