import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { Db } from './db'
import { clientIp, parseCookies, serializeCookie } from './http/cookies'
import type { Services } from './services'
import { SESSION_COOKIE, SESSION_TTL_MS } from './services/auth'
import type { SessionUser } from './services/users'

/** How procedures set or clear the session cookie without knowing about HTTP. */
export interface SessionCookie {
  token: string | undefined
  set(token: string, expiresAt: Date): void
  clear(): void
}

export interface Context {
  db: Db
  services: Services
  user: SessionUser | null
  session: SessionCookie
  ip: string
  logger?: Logger
}

export interface InnerContextOptions {
  db: Db
  services: Services
  user?: SessionUser | null
  session?: Partial<SessionCookie>
  ip?: string
  logger?: Logger
}

/** Transport-free context: router tests build it directly and call `createCaller(ctx)`. */
export function createContextInner(opts: InnerContextOptions): Context {
  return {
    db: opts.db,
    services: opts.services,
    user: opts.user ?? null,
    ip: opts.ip ?? '127.0.0.1',
    logger: opts.logger,
    session: { token: undefined, set() {}, clear() {}, ...opts.session },
  }
}

export interface HttpContextDeps {
  db: Db
  services: Services
  logger?: Logger
}

/** The per-request context of the HTTP adapter: the user comes from the session cookie. */
export async function createContext(
  deps: HttpContextDeps,
  { req, res }: { req: IncomingMessage; res: ServerResponse },
): Promise<Context> {
  const token = parseCookies(req.headers.cookie)[SESSION_COOKIE]
  const user = await deps.services.auth.userForToken(token)
  // Secure only when the browser reached us over https (directly or via a proxy that says so).
  const secure = req.headers['x-forwarded-proto'] === 'https' || 'encrypted' in req.socket
  return createContextInner({
    ...deps,
    user,
    ip: clientIp(req),
    session: {
      token,
      set(value, expiresAt) {
        res.appendHeader(
          'set-cookie',
          serializeCookie(SESSION_COOKIE, value, {
            maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000),
            expires: expiresAt,
            secure,
          }),
        )
      },
      clear() {
        res.appendHeader('set-cookie', serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure }))
      },
    },
  })
}
