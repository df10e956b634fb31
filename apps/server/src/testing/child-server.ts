import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { onTestFailed } from 'vitest'
import type { Workflow } from '../services/engine'
import type { DialectName } from './databases'
import { withBraze } from './fake-braze'
import { trpcHttp } from './http-client'
import { nodeFlagsFor } from './node-flags'
import { childServerEnv } from './server-env'

/**
 * The real server as a child process (`node --import tsx apps/server/src/main.ts`, configured
 * only through its environment), for tests that kill it with SIGKILL and start it again on the
 * same data. Every child is stopped by its own PID, in `dispose()` or when this process exits.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const MAIN = 'apps/server/src/main.ts'
export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' }
/** Fixed, so a restarted server can still decrypt the connection secrets it stored. */
const SECRET_KEY = '5a'.repeat(32)
export const OUTPUT_LIMIT = 256 * 1024
// Settings of the parent that must not leak into the child (queue mode, another database …).
export const NOT_INHERITED =
  /^(FLOWLINE_|VITEST|DATABASE_URL$|TEST_DATABASE_URL$|REDIS_URL$|PORT$|HOST$|LOG_LEVEL$|NODE_OPTIONS$|NODE_ENV$)/

const live = new Set<ChildProcess>()
// Safety net should a test file end without afterAll (a crashed worker): no server outlives it.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/** A row of the runs table, as the server left it (SQLite or PostgreSQL). */
export interface RunRow {
  id: string
  workflow_id: string
  status: string
  error: string | null
  state: string | null
  resume_at: string | null
  started_at: string
  finished_at: string | null
}

/** Reads the server's database from outside: with the server down, or alongside it. */
export interface DbReader {
  runs(): Promise<RunRow[]>
  statusCounts(): Promise<Record<string, number>>
}

type Read = <T>(sql: string) => Promise<T[]>

/** A fresh read-only connection per query: nothing is held across a kill or a restart. */
const sqliteRead =
  (file: string): Read =>
  async <T>(sql: string) => {
    const db = new SQLite(file, { readonly: true, fileMustExist: true })
    try {
      return db.prepare(sql).all() as T[]
    } finally {
      db.close()
    }
  }

const pgRead =
  (connectionString: string): Read =>
  async <T>(sql: string) => {
    const client = new pg.Client({ connectionString })
    await client.connect()
    try {
      return (await client.query(sql)).rows as T[]
    } finally {
      await client.end()
    }
  }

function dbReader(read: Read): DbReader {
  return {
    runs: () => read<RunRow>('SELECT * FROM runs'),
    statusCounts: async () => {
      const rows = await read<{ status: string; n: number | string }>(
        'SELECT status, COUNT(*) AS n FROM runs GROUP BY status',
      )
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
    },
  }
}

/** An empty PostgreSQL database of its own: the server takes no schema from its URL, and a restart must find it again. */
async function freshPgDatabase(baseUrl: string) {
  const name = `flowline_child_${randomBytes(6).toString('hex')}`
  const admin = pgRead(baseUrl)
  await admin(`CREATE DATABASE ${name}`)
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

export interface ChildServerOptions {
  dialect?: DialectName
  /** Added to the environment of every start (FLOWLINE_RUN_THREADS, …). */
  env?: Record<string, string>
}

export type ChildServer = Awaited<ReturnType<typeof createChildServer>>

/** A data directory (and for PostgreSQL a database) that outlives restarts; call start() next. */
export async function createChildServer(opts: ChildServerOptions = {}) {
  const dialect = opts.dialect ?? 'sqlite'
  const dataDir = mkdtempSync(join(tmpdir(), 'flowline-child-'))
  const pgDb = dialect === 'postgres' ? await freshPgDatabase(process.env.TEST_DATABASE_URL!) : undefined
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  let output = ''
  let starts = 0

  const append = (text: string) => {
    output = (output + text).slice(-OUTPUT_LIMIT)
  }
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null
  const exited = (proc: ChildProcess) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => proc.once('exit', () => resolve()))

  async function waitHealthy(proc: ChildProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`the server exited during start-up (${proc.exitCode ?? proc.signalCode}):\n${output}`)
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })
        if (res.status === 200) return
      } catch {
        // not listening yet
      }
      await sleep(100)
    }
    throw new Error(`the server did not answer /healthz within ${timeoutMs} ms:\n${output}`)
  }

  const server = {
    url,
    port,
    dataDir,
    dialect,
    databaseUrl: pgDb?.url,
    db: dbReader(pgDb ? pgRead(pgDb.url) : sqliteRead(join(dataDir, 'flowline.db'))),
    get pid() {
      return running() ? child?.pid : undefined
    },
    /** The captured stdout and stderr of every start so far. */
    output: () => output,

    /** Spawns the server (extra env on top of the options') and resolves once /healthz answers 200. */
    async start(env: Record<string, string> = {}): Promise<void> {
      if (running()) throw new Error(`server already running (pid ${child?.pid})`)
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !NOT_INHERITED.test(k)),
      )
      // FLOWLINE_CHILD_NODE_ARGS: extra node flags when investigating (e.g. --cpu-prof).
      const extra = process.env.FLOWLINE_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []
      const proc = spawn(
        process.execPath,
        [...nodeFlagsFor(MAIN, REPO_ROOT), ...extra, '--import', 'tsx', MAIN],
        {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...inherited,
            ...childServerEnv(port, dataDir, ADMIN),
            FLOWLINE_SECRET_KEY: SECRET_KEY,
            ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
            ...opts.env,
            ...env,
          },
        },
      )
      if (proc.pid === undefined) throw new Error('could not spawn the server')
      child = proc
      live.add(proc)
      starts++
      append(
        `\n----- start #${starts} (pid ${proc.pid}${Object.keys(env).length ? `, ${JSON.stringify(env)}` : ''}) -----\n`,
      )
      // Always drain the pipes: a child writing to a full pipe blocks.
      proc.stdout?.on('data', (c: Buffer) => append(c.toString()))
      proc.stderr?.on('data', (c: Buffer) => append(c.toString()))
      proc.once('exit', (code, signal) => {
        live.delete(proc)
        append(`----- pid ${proc.pid} exited (${code ?? signal}) -----\n`)
      })
      await waitHealthy(proc, 60_000).catch(async (err) => {
        await server.kill()
        throw err
      })
    },

    /** kill -9, by PID; resolves once the process is gone. */
    async kill(): Promise<void> {
      const proc = child
      if (!proc || !running()) return
      process.kill(proc.pid!, 'SIGKILL')
      await exited(proc)
    },

    /** SIGTERM (a graceful stop), SIGKILL after `graceMs`. */
    async stop(graceMs = 15_000): Promise<void> {
      const proc = child
      if (!proc || !running()) return
      process.kill(proc.pid!, 'SIGTERM')
      const timer = setTimeout(() => running() && process.kill(proc.pid!, 'SIGKILL'), graceMs)
      await exited(proc)
      clearTimeout(timer)
    },

    /** kill -9 (when running), then start again on the same data. */
    async restart(env: Record<string, string> = {}): Promise<void> {
      await server.kill()
      await server.start(env)
    },

    /** Kills the server and removes its data; for afterAll. */
    async dispose(): Promise<void> {
      await server.kill()
      await pgDb?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return server
}

/** Prints the servers' captured output when the current test fails; call at the start of a test. */
export function showOutputOnFailure(...servers: (ChildServer | undefined)[]): void {
  onTestFailed(() => {
    for (const s of servers) if (s) console.log(`server output (${s.dialect}, ${s.dataDir}):${s.output()}`)
  })
}

/** Signs in as the admin the environment created; returns the session cookie. */
export async function signIn(server: ChildServer): Promise<string> {
  const res = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('flowline_session='))
  if (!cookie) throw new Error('login set no session cookie')
  return cookie.split(';')[0]
}

/**
 * The personalization template as a new user sets it up over HTTP: a Braze connection to
 * `brazeUrl`, the recommendation step (n8) pointed at `recoUrl`, saved and published.
 */
export async function publishTemplate(
  server: ChildServer,
  cookie: string,
  stubs: { brazeUrl: string; recoUrl: string },
): Promise<{ workflowId: string; connectionId: string }> {
  const call = <T>(path: string, input: unknown, type?: 'query') =>
    trpcHttp<T>(server.url, path, input, { cookie, type })
  const { id: connectionId } = await call<{ id: string }>('connections.create', {
    name: 'Braze (stub)',
    type: 'braze',
    config: { restEndpoint: stubs.brazeUrl },
    secret: 'brz-crash-test-secret',
  })
  const { id: workflowId } = await call<{ id: string }>('workflows.create', { template: 'personalization' })
  const wf = await call<{ version: { model: Workflow } }>('workflows.get', { id: workflowId }, 'query')
  const model = withBraze(wf.version.model, connectionId)
  model.nodes = model.nodes.map((n) =>
    n.id === 'n8' ? { ...n, config: { ...(n.config as object), url: `${stubs.recoUrl}/recommend` } } : n,
  )
  const saved = await call<{ version: number; issues: { severity: string; message: string }[] }>(
    'workflows.save',
    { id: workflowId, baseVersion: 1, model },
  )
  const errors = saved.issues.filter((i) => i.severity === 'error')
  if (errors.length > 0) throw new Error(`the template does not validate: ${JSON.stringify(errors)}`)
  await call('workflows.publish', { id: workflowId, version: saved.version })
  return { workflowId, connectionId }
}

export interface Delivery {
  status: number
  runId?: string
  /** Set when no answer came (connection refused or cut off). */
  error?: string
}

/** POSTs one Segment event to the workflow's webhook; never throws. */
export async function deliver(server: ChildServer, workflowId: string, event: unknown): Promise<Delivery> {
  try {
    const res = await fetch(`${server.url}/api/hooks/${workflowId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(30_000),
    })
    const body = (await res.json().catch(() => ({}))) as { runId?: string }
    return { status: res.status, runId: body.runId }
  } catch (err) {
    return { status: 0, error: String((err as Error).cause ?? err) }
  }
}

/** Calls `probe` every `everyMs` until `done` says so or time runs out; returns the last value either way. */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<{ value: T; timedOut: boolean }> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return { value, timedOut: false }
    if (Date.now() >= deadline) return { value, timedOut: true }
    await sleep(everyMs)
  }
}

/** `Idempotency-Key: runId:nodeId:visit[:batch]` taken apart; undefined when absent or malformed. */
export function idempotencyParts(header: string | string[] | undefined) {
  const key = Array.isArray(header) ? header[0] : header
  const [runId, nodeId, visit] = key?.split(':') ?? []
  return runId && nodeId && visit ? { key: key!, runId, nodeId, visit } : undefined
}
