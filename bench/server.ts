/**
 * Webhook → finished-run throughput and latency: the personalization template, published,
 * with n8 calling the built-in demo recommender on the same server and the Braze steps
 * sending through a Braze connection to a loopback fake (production runs are live).
 * autocannon posts unique Segment events on 10 connections flat out (throughput); then a
 * smooth pacer on 10 keep-alive connections sends at half that rate (latency without a
 * backlog; autocannon's own rate limit sends each second's quota in one burst). Latency
 * comes from the run records (accepted → finished), not from the 202s.
 *
 * Then the live end-to-end figure (issue 9): n8 calls a stub recommendation API and Braze
 * a stub Braze, both separate HTTP servers on 127.0.0.1 (allow-listed), through the guarded
 * keep-alive client; 10 connections each post a webhook and wait until its run is finished
 * and persisted before posting the next. Standalone: `node --import tsx bench/server.ts`.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sql } from 'kysely'
import pg from 'pg'
import type { Db } from '../apps/server/src/db'
import { createLogger } from '../apps/server/src/logger'
import { startServer } from '../apps/server/src/server'
import type { Workflow } from '../apps/server/src/services/engine'
import { startFakeBraze, withBraze } from '../apps/server/src/testing/fake-braze'
import { startStubServer } from '../apps/server/src/testing/stub-server'
import { segmentEvent } from './segment-events'
import { liveEndToEnd } from './server-live'

interface AutocannonResult {
  requests: { average: number }
  latency: { p50: number; p99: number }
  non2xx: number
  errors: number
  statusCodeStats?: Record<string, { count: number }>
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10)
const CONNECTIONS = 10
const PASSWORD = 'bench-password-1'

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

const nextEvent = (phase: string) => segmentEvent('bench', phase)

async function call<T>(
  url: string,
  path: string,
  input: unknown,
  cookie?: string,
): Promise<{ data: T; cookie?: string }> {
  const res = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(input),
  })
  const json = (await res.json()) as { result?: { data: T }; error?: { message: string } }
  if (json.error) throw new Error(`${path}: ${json.error.message}`)
  return { data: json.result!.data, cookie: res.headers.getSetCookie()[0]?.split(';')[0] }
}

/** Posts `rate` events per second, evenly spaced, for `seconds`, on at most 10 connections. */
async function paced(
  url: string,
  rate: number,
  seconds: number,
  phase: string,
): Promise<{ sent: number; failed: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  const post = () =>
    new Promise<boolean>((resolve) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode === 202))
        },
      )
      req.on('error', () => resolve(false))
      req.end(nextEvent(phase))
    })
  const pending: Promise<boolean>[] = []
  const t0 = performance.now()
  const total = Math.round(rate * seconds)
  while (pending.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1)
    while (pending.length < due) pending.push(post())
    await new Promise((r) => setTimeout(r, 2))
  }
  const ok = (await Promise.all(pending)).filter(Boolean).length
  agent.destroy()
  return { sent: total, failed: total - ok }
}

async function running(db: Db): Promise<number> {
  const { n } = await db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow()
  return Number(n)
}

async function drain(db: Db): Promise<number> {
  const t0 = Date.now()
  while ((await running(db)) > 0 && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50))
  return Date.now() - t0
}

/** Throughput and latency of one phase, from its run records. */
async function phaseRuns(db: Db, phase: string) {
  const runs = await db
    .selectFrom('runs')
    .select(['status', 'started_at', 'finished_at', 'duration_ms'])
    .where('message_id', 'like', `bench-${phase}-%`)
    .execute()
  const done = runs.filter((r) => r.finished_at !== null)
  const latencies = done.map((r) => Number(r.duration_ms)).sort((a, b) => a - b)
  const spanS =
    (Math.max(...done.map((r) => Date.parse(r.finished_at!))) -
      Math.min(...runs.map((r) => Date.parse(r.started_at)))) /
    1000
  return {
    total: runs.length,
    done: done.length,
    succeeded: done.filter((r) => r.status === 'succeeded').length,
    perSecond: done.length / spanS,
    spanS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  }
}

/** BENCH_DATABASE_URL=postgres://… benches PostgreSQL in a throwaway schema. */
async function pgSchema(action: 'create' | 'drop', name: string) {
  const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL })
  await client.connect()
  await client.query(action === 'create' ? `CREATE SCHEMA ${name}` : `DROP SCHEMA IF EXISTS ${name} CASCADE`)
  await client.end()
}

export async function benchServer(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowline-bench-'))
  const schema = `bench_${process.pid}`
  if (process.env.BENCH_DATABASE_URL) await pgSchema('create', schema)
  const braze = await startFakeBraze()
  const app = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: process.env.BENCH_DATABASE_URL,
    pgSchema: process.env.BENCH_DATABASE_URL ? schema : undefined,
    logger: createLogger('warn'),
    webDist: join(dataDir, 'no-web'),
    admin: { email: 'bench@example.com', password: PASSWORD },
    // The fake Braze and the stub recommender listen on loopback.
    allowHosts: '127.0.0.1',
    secretKey: randomBytes(32).toString('hex'),
  })
  const reco = await startStubServer(() => ({
    body: { confidence: 0.83, recommendations: [{ id: 'sku-run-01', title: 'Trail shoe', score: 0.83 }] },
  }))
  try {
    const { cookie } = await call(app.url, 'auth.login', { email: 'bench@example.com', password: PASSWORD })
    const { data: created } = await call<{ id: string }>(
      app.url,
      'workflows.create',
      { template: 'personalization' },
      cookie,
    )
    const { data: connection } = await call<{ id: string }>(
      app.url,
      'connections.create',
      {
        name: 'Fake Braze',
        type: 'braze',
        config: { restEndpoint: braze.url },
        secret: 'bench-key-0123456789',
      },
      cookie,
    )
    const wf = await app.services.workflows.get(created.id)
    const model = withBraze(wf.version.model, connection.id)
    const { data: saved } = await call<{ version: number }>(
      app.url,
      'workflows.save',
      { id: created.id, baseVersion: 1, model },
      cookie,
    )
    await call(app.url, 'workflows.publish', { id: created.id, version: saved.version }, cookie)
    const hook = `${app.url}/api/hooks/${created.id}`
    const load = (phase: string) =>
      autocannon({
        url: hook,
        connections: CONNECTIONS,
        duration: DURATION_S,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: nextEvent(phase) }) }],
      })

    console.log(
      `  ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite (WAL)'}, ${CONNECTIONS} connections on loopback, ${DURATION_S} s per phase; ` +
        'one process serves webhooks, runs, the demo recommender, a fake Braze and autocannon',
    )
    const flat = await load('flat')
    const backlog = await running(app.db)
    const drainMs = await drain(app.db)
    const f = await phaseRuns(app.db, 'flat')
    console.log(
      `  flat out: ${flat.requests.average.toFixed(0)} webhooks/s accepted (202 p50 ${flat.latency.p50} ms, p99 ${flat.latency.p99} ms, ` +
        `${flat.non2xx} non-2xx, ${flat.errors} errors)`,
    )
    console.log(
      `    → ${f.done}/${f.total} runs finished (${f.succeeded} succeeded) in ${f.spanS.toFixed(1)} s = ${f.perSecond.toFixed(0)} finished runs/s; ` +
        `backlog ${backlog} at the end, drained in ${(drainMs / 1000).toFixed(1)} s`,
    )
    const queued =
      backlog > CONNECTIONS
        ? ' (includes waiting in the backlog: webhooks are accepted faster than runs finish)'
        : ''
    console.log(`    webhook → finished run: p50 ${f.p50} ms, p99 ${f.p99} ms${queued}`)

    const rate = Math.max(10, Math.floor(f.perSecond / 2))
    const sent = await paced(hook, rate, DURATION_S, 'paced')
    await drain(app.db)
    const p = await phaseRuns(app.db, 'paced')
    console.log(
      `  paced at ${rate}/s: ${p.done}/${p.total} runs finished (${p.succeeded} succeeded), ${sent.failed} not accepted; ` +
        `webhook → finished run p50 ${p.p50} ms, p99 ${p.p99} ms`,
    )
    const events = await app.db
      .selectFrom('run_trace')
      .select(sql<number>`sum(last_seq - first_seq + 1)`.as('n'))
      .executeTakeFirstOrThrow()
    console.log(`  ${Number(events.n)} trace events stored, ${braze.calls()} calls to the fake Braze`)

    // Live end to end: the same template, n8 pointed at the stub recommendation API.
    const live: Workflow = {
      ...model,
      nodes: model.nodes.map((n) =>
        n.id === 'n8' ? { ...n, config: { ...(n.config as object), url: `${reco.url}/recommend` } } : n,
      ),
    }
    const { data: liveWf } = await call<{ id: string }>(app.url, 'workflows.create', { model: live }, cookie)
    await call(app.url, 'workflows.publish', { id: liveWf.id, version: 1 }, cookie)
    const brazeBefore = braze.calls()
    const l = await liveEndToEnd(app, `${app.url}/api/hooks/${liveWf.id}`, CONNECTIONS, DURATION_S, (n) =>
      nextEvent(`live-${n}`),
    )
    console.log(
      `  live end to end (webhook → finished, persisted run; recommendation + Braze really sent to stub servers on 127.0.0.1, allow-listed): ` +
        `${l.completed} runs (${l.succeeded} succeeded) in ${l.seconds.toFixed(1)} s = ${l.perSecond.toFixed(0)} completed runs/s at ${CONNECTIONS} connections; ` +
        `p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms`,
    )
    console.log(
      `    stub recommender got ${reco.requests.length} calls, stub Braze ${braze.calls() - brazeBefore} (${((braze.calls() - brazeBefore) / Math.max(1, l.completed)).toFixed(2)} per run)`,
    )
  } finally {
    await app.close()
    await braze.close()
    await reco.close()
    rmSync(dataDir, { recursive: true, force: true })
    if (process.env.BENCH_DATABASE_URL) await pgSchema('drop', schema)
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchServer()
}
