import { randomBytes, randomUUID } from 'node:crypto'
import pino, { type Logger } from 'pino'
import { createContextInner } from '../context'
import { type Db, now, openDatabase } from '../db'
import type { Role } from '../db/schema'
import { appRouter } from '../routers/_app'
import { startServer } from '../server'
import { createServices, type Services } from '../services'
import { type RunDeps, recommend } from '../services/engine'
import type { OutboundGuardOptions } from '../services/outbound-guard'
import { hashPassword } from '../services/passwords'
import type { SessionUser } from '../services/users'
import { createCallerFactory } from '../trpc'
import { type DialectName, freshTarget } from './databases'

export const PASSWORD = 'correct horse battery'
// One scrypt hash for every seeded account keeps test setup fast.
const sharedHash = hashPassword(PASSWORD)
export const silentLogger = pino({ level: 'silent' })
export const TEST_SERVER_URL = 'http://flowline.test'

/**
 * Answers the built-in demo recommender in process, so router tests run the template
 * without a listening server. Any other URL is a test bug and fails loudly.
 */
export const demoFetch: NonNullable<RunDeps['fetch']> = async (url, init) => {
  if (!url.includes('/api/demo/recommend')) throw new Error(`unexpected fetch in test: ${url}`)
  const body = init?.body ? JSON.parse(String(init.body)) : {}
  return new Response(JSON.stringify(recommend(body)), { headers: { 'content-type': 'application/json' } })
}

const createCaller = createCallerFactory(appRouter)

export interface TestApp {
  db: Db
  services: Services
  users: Record<'admin' | 'editor' | 'editor2' | 'viewer', SessionUser>
  /** A tRPC caller acting as `user` (null: anonymous). */
  as(user: SessionUser | null, opts?: { ip?: string }): ReturnType<typeof createCaller>
  /** Waits until every queued and running run has finished. */
  settle(): Promise<void>
  close(): Promise<void>
}

export async function insertUser(db: Db, email: string, role: Role): Promise<SessionUser> {
  const user = { id: randomUUID(), email, role }
  await db
    .insertInto('users')
    .values({ ...user, password_hash: await sharedHash, created_at: now() })
    .execute()
  return user
}

export interface TestAppOptions {
  withUsers?: boolean
  /** Default: the in-process demo recommender as the only reachable URL. `{}` uses the real guarded client. */
  runDeps?: RunDeps
  allowHosts?: string
  lookup?: OutboundGuardOptions['lookup']
  logger?: Logger
  /** The run and wait clock (epoch ms): tests of long waits move it. */
  clock?: () => number
}

/** Services over a fresh database with four accounts, for router tests through createCaller. */
export async function createTestApp(dialect: DialectName, opts: TestAppOptions = {}): Promise<TestApp> {
  const { target, dispose } = await freshTarget(dialect)
  const { db, raw } = await openDatabase(target)
  const services = createServices({
    db,
    raw,
    logger: opts.logger ?? silentLogger,
    serverUrl: () => TEST_SERVER_URL,
    runDeps: opts.runDeps ?? { fetch: demoFetch },
    secretKey: randomBytes(32),
    allowHosts: opts.allowHosts,
    lookup: opts.lookup,
    clock: opts.clock,
  })
  const users = {} as TestApp['users']
  if (opts.withUsers !== false) {
    users.admin = await insertUser(db, 'admin@example.com', 'admin')
    users.editor = await insertUser(db, 'editor@example.com', 'editor')
    users.editor2 = await insertUser(db, 'editor2@example.com', 'editor')
    users.viewer = await insertUser(db, 'viewer@example.com', 'viewer')
  }
  const queue = services.queue
  await services.pool.prepare()
  services.pool.start()
  services.waits.start()
  return {
    db,
    services,
    users,
    as: (user, o) => createCaller(createContextInner({ db, services, user, ip: o?.ip })),
    settle: async () => {
      await queue.drain(15_000)
    },
    async close() {
      await services.waits.stop()
      await queue.drain(15_000)
      services.pool.close()
      await services.writer.flushed().catch(() => {})
      await db.destroy()
      await dispose()
    },
  }
}

/** Another server process over the same database (a restart, a second instance), its run threads started. */
export async function secondProcess(db: Db, opts: { clock?: () => number } = {}): Promise<Services> {
  const services = createServices({
    db,
    logger: silentLogger,
    serverUrl: () => TEST_SERVER_URL,
    runDeps: { fetch: demoFetch },
    secretKey: randomBytes(32),
    clock: opts.clock,
  })
  await services.pool.prepare()
  services.pool.start()
  return services
}

/** The real server on an ephemeral loopback port, over a fresh database. */
export async function startTestServer(
  dialect: DialectName,
  opts: { webDist?: string; allowHosts?: string; logger?: Logger; runDeps?: RunDeps } = {},
) {
  const { target, dispose } = await freshTarget(dialect)
  const app = await startServer({
    port: 0,
    host: '127.0.0.1',
    ...target,
    logger: opts.logger ?? silentLogger,
    // Tests never read FLOWLINE_ALLOW_HOSTS from the environment: each says what it allows.
    allowHosts: opts.allowHosts ?? '',
    runDeps: opts.runDeps,
    webDist: opts.webDist ?? '/nonexistent-flowline-dist',
    admin: { email: 'admin@example.com', password: PASSWORD },
    shutdownGraceMs: 5_000,
  })
  return {
    ...app,
    target,
    async close() {
      await app.close()
      await dispose()
    },
  }
}

/** Signs in over HTTP and returns the session cookie header value. */
export async function loginCookie(
  baseUrl: string,
  email = 'admin@example.com',
  password = PASSWORD,
): Promise<string> {
  const res = await fetch(`${baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('flowline_session='))
  if (!cookie) throw new Error('no session cookie')
  return cookie.split(';')[0]
}
