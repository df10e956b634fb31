import net from 'node:net'
import tls from 'node:tls'
import type { SendMail, SmtpConnectionConfig } from '@flowline/engine'
import nodemailer from 'nodemailer'
import { createOutboundGuard, type OutboundGuard } from './outbound-guard'
import type { FencedInit } from './secret-fence'

type SmtpConnection = Parameters<SendMail>[0]

export interface MailClientOptions {
  /** Where mail may go; default: the public internet only. */
  guard?: OutboundGuard
  /** Opening the connection (TCP, and TLS with `secure`); default 15 s. */
  connectTimeoutMs?: number
  /** Greeting, and any silence after it; default 30 s. */
  socketTimeoutMs?: number
}

type FencedSendMail = (
  connection: SmtpConnection,
  message: Parameters<SendMail>[1],
  options: Parameters<SendMail>[2] & FencedInit,
) => ReturnType<SendMail>

export type MailClient = FencedSendMail & {
  /** Connects and logs in without sending anything ("Test connection"). */
  verify(connection: SmtpConnection, options?: FencedInit): Promise<void>
}

const bare = (host: string) => host.trim().replace(/^\[|\]$/g, '')

/**
 * The guard speaks URLs: it is asked about the mail server as an http URL on the same host and
 * port. The path is "/", so the exemption for this server's demo endpoints never applies.
 */
function guardTarget(host: string, port: number): URL {
  return new URL(`http://${net.isIPv6(host) ? `[${host}]` : host}:${port}/`)
}

/**
 * A socket to the mail server, opened the way the HTTP client opens its sockets: an IP
 * literal is checked before connecting, a host name inside the socket's own DNS lookup, so
 * the address checked is the address connected to.
 */
function connect(guard: OutboundGuard, config: SmtpConnectionConfig, timeoutMs: number): Promise<net.Socket> {
  const host = bare(config.host)
  const target = guardTarget(host, config.port)
  return new Promise((resolve, reject) => {
    try {
      guard.checkUrl(target)
    } catch (err) {
      reject(err)
      return
    }
    const lookup = guard.lookupFor(target)
    const socket = config.secure
      ? tls.connect({ host, port: config.port, lookup, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port: config.port, lookup })
    const timer = setTimeout(
      () => socket.destroy(new Error(`no connection within ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
    const failed = (err: Error) => {
      clearTimeout(timer)
      reject(err)
    }
    socket.once('error', failed)
    socket.once(config.secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer)
      socket.off('error', failed)
      resolve(socket)
    })
  })
}

/**
 * The SMTP transport of send-email steps (the engine's injectable `SendMail`) on nodemailer,
 * behind the outbound guard like every HTTP call of a run: a loopback or private mail server
 * is reached only when FLOWLINE_ALLOW_HOSTS lists it. One connection per message; a plain
 * connection is upgraded with STARTTLS when the server offers it, and certificates are
 * verified. Messages carry only text: file and URL content is refused.
 */
export function createMailClient(opts: MailClientOptions = {}): MailClient {
  const guard = opts.guard ?? createOutboundGuard()
  const connectMs = opts.connectTimeoutMs ?? 15_000
  const socketMs = opts.socketTimeoutMs ?? 30_000

  function transportFor({ config, secret }: SmtpConnection) {
    return nodemailer.createTransport({
      host: bare(config.host),
      port: config.port,
      secure: config.secure,
      auth: !config.user ? undefined : { user: config.user, pass: secret },
      getSocket: (_options, callback) => {
        connect(guard, config, connectMs).then(
          (socket) => callback(null, { connection: socket, secured: config.secure }),
          (err: Error) => callback(err),
        )
      },
      connectionTimeout: connectMs,
      greetingTimeout: socketMs,
      socketTimeout: socketMs,
      logger: false,
      disableFileAccess: true,
      disableUrlAccess: true,
    })
  }

  const send: FencedSendMail = async (connection, message, { signal, fence }) => {
    // The password goes only to the mail server it was saved for (secret-fence.ts).
    fence?.checkMail(connection)
    const transport = transportFor(connection)
    // nodemailer takes an AbortSignal; a run's cancellation is the engine's lighter signal.
    const abort = new AbortController()
    const stop = () => abort.abort()
    if (signal?.aborted) stop()
    else signal?.addEventListener('abort', stop, { once: true })
    try {
      const info = await transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        messageId: message.messageId,
        headers: message.headers,
        signal: abort.signal,
      })
      return { messageId: info.messageId, accepted: (info.accepted ?? []).map(String) }
    } finally {
      signal?.removeEventListener('abort', stop)
      transport.close()
    }
  }

  return Object.assign(send, {
    async verify(connection: SmtpConnection, options: FencedInit = {}) {
      options.fence?.checkMail(connection)
      const transport = transportFor(connection)
      try {
        await transport.verify()
      } finally {
        transport.close()
      }
    },
  })
}
