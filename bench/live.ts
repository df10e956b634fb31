/**
 * Live runs, process-separated: the Flowline server runs as its own process (`node --import
 * tsx apps/server/src/main.ts`, pinned to CPU 0) and the load generator with the stub APIs as
 * another (bench/live-load.ts, CPU 1), so server CPU per run and latencies are the server's
 * alone. The published personalization template calls a stub recommendation API and sends
 * to a stub Braze; autocannon posts Segment events to its webhook. Figures come from the run
 * records (accepted → finished and persisted), read over the public tRPC API only, so the
 * benchmark runs unchanged against later server versions. SQLite, then PostgreSQL.
 * Phases: warmup; flat out (capacity, server CPU per run); half that capacity with
 * autocannon's overallRate; the same rate evenly paced (latency without bursts or backlog),
 * after 2 s of it uncounted, with when its slowest 1 % were accepted.
 *
 * `npm run bench -- live`; BENCH_SECONDS (default 10) per measured phase; BENCH_WARMUP_SECONDS
 * (default 5, as ../shared/peers/run-peers.sh warms Node-RED up); BENCH_PG_URL
 * (default postgres://postgres@127.0.0.1:5432/test); BENCH_LIVE_DB=sqlite|postgres for one
 * only; BENCH_LIVE_WORKFLOW=peer for the peers' flow's work (PEER_WORK below);
 * BENCH_STUB_LATENCY_MS: how long the stub APIs take to answer (default 0). Standalone:
 * `node --import tsx bench/live.ts`.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { childServerEnv } from '../apps/server/src/testing/server-env'
import {
  Api,
  allRuns,
  BURST_GAP_MS,
  type PhaseFigures,
  phaseFigures,
  type SlowBurst,
  slowBursts,
  slowestRun,
  waitAllFinished,
} from './live-api'
import type { LoadRequest, LoadResult, StubStats } from './live-load'
import { PG_URL, pgBackendCpu, pgCpuDelta, pgSchema, serverPgUrl } from './live-pg'
import {
  type Child,
  canPin,
  freePort,
  machineBusyMs,
  spawnNode,
  stopChild,
  treeCpuMs,
  waitHealthy,
} from './live-procs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
// BENCH_SERVER_ROOT: another checkout whose server to measure (before/after comparisons in one sitting).
const SERVER_ROOT = process.env.BENCH_SERVER_ROOT ?? ROOT
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
// The peers' harness warms Node-RED up for 5 s: with 2 s, TurboFan was still compiling
// through the first 4 s of the flat-out phase (13–19 % of the server's CPU, perf).
const WARMUP_S = Number(process.env.BENCH_WARMUP_SECONDS ?? 5)
const CONNECTIONS = 10
// Paced load before the paced phase, not counted (see there).
const LEAD_IN_S = 2
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' }

type Database = 'SQLite' | 'PostgreSQL'
type Model = { nodes: { id: string; type?: string; config?: unknown }[] }

/** A server of `root` as its own process on `cpu`, listening on loopback `port`, logging warnings only. */
export function spawnServer(
  root: string,
  dataDir: string,
  port: number,
  cpu: number,
  env: NodeJS.ProcessEnv = {},
): Child {
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env
  return spawnNode('apps/server/src/main.ts', {
    cwd: root,
    cpu,
    env: {
      ...inherited,
      ...childServerEnv(port, dataDir, ADMIN),
      FLOWLINE_SECRET_KEY: randomBytes(32).toString('hex'),
      ...env,
    },
  })
}

/** The load process, driven over its IPC channel. */
export interface Load {
  child: Child
  recoUrl: string
  brazeUrl: string
  run(req: LoadRequest): Promise<LoadResult>
  stats(): Promise<StubStats>
}

export async function startLoad(): Promise<Load> {
  const child = spawnNode('bench/live-load.ts', { cwd: ROOT, cpu: 1, ipc: true })
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 0
  const ready = new Promise<{ recoUrl: string; brazeUrl: string }>((resolve, reject) => {
    child.proc.on(
      'message',
      (msg: { type?: string; id?: number; ok?: boolean; data?: unknown; error?: string }) => {
        if (msg.type === 'ready') return resolve(msg as { recoUrl: string; brazeUrl: string })
        const waiter = pending.get(msg.id!)
        pending.delete(msg.id!)
        if (msg.ok) waiter?.resolve(msg.data)
        else waiter?.reject(new Error(msg.error))
      },
    )
    child.proc.on('exit', (code) => {
      const err = new Error(`load process exited with ${code}:\n${child.output()}`)
      reject(err)
      for (const waiter of pending.values()) waiter.reject(err)
    })
  })
  const ask = <T>(msg: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      child.proc.send({ id, ...msg })
    })
  try {
    const urls = await ready
    return {
      child,
      ...urls,
      run: (req) => ask<LoadResult>({ cmd: 'load', req }),
      stats: () => ask<StubStats>({ cmd: 'stats' }),
    }
  } catch (err) {
    await stopChild(child)
    throw err
  }
}

/**
 * BENCH_LIVE_WORKFLOW=peer: the work of the Node-RED flow in ../shared/peers (recommendation,
 * profile update, campaign trigger; the channel switch only records "email_queued" or
 * "push_queued"), for a comparison call for call. The template's "Send via email/push" steps
 * call Braze's /messages/send as well: four outbound calls and three checkpoints per run
 * against the peer flow's three calls. Here they become transform steps recording the same
 * choice as the peer flow; ids, labels and edges stay.
 */
const PEER_WORK = process.env.BENCH_LIVE_WORKFLOW === 'peer'
const PEER_CHANNEL_STEPS: Record<string, string> = { n18: 'email_queued', n19: 'push_queued' }

/** The template with n8 asking the stub recommender and every Braze step using the stub Braze. */
export async function publishTemplate(api: Api, load: Load): Promise<string> {
  await api.login(ADMIN.email, ADMIN.password)
  const connection = await api.mutate<{ id: string }>('connections.create', {
    name: 'Braze (stub)',
    type: 'braze',
    config: { restEndpoint: load.brazeUrl },
    secret: `bench-${randomBytes(12).toString('hex')}`,
  })
  const { id } = await api.mutate<{ id: string }>('workflows.create', { template: 'personalization' })
  const wf = await api.query<{ latestVersion: number; version: { model: Model } }>('workflows.get', { id })
  const model = {
    ...wf.version.model,
    nodes: wf.version.model.nodes.map((n) => {
      const config = n.config as Record<string, unknown>
      if (PEER_WORK && n.id in PEER_CHANNEL_STEPS)
        return {
          ...n,
          type: 'transform',
          config: { vars: { channelAction: `"${PEER_CHANNEL_STEPS[n.id]}"` } },
        }
      if (n.id === 'n8') return { ...n, config: { ...config, url: `${load.recoUrl}/recommend` } }
      if (n.type?.startsWith('braze-')) return { ...n, config: { ...config, connectionId: connection.id } }
      return n
    }),
  }
  const saved = await api.mutate<{ version: number; issues: { severity: string; message: string }[] }>(
    'workflows.save',
    { id, baseVersion: wf.latestVersion, model },
  )
  const errors = saved.issues.filter((i) => i.severity === 'error')
  if (errors.length > 0) throw new Error(`template has errors: ${errors.map((e) => e.message).join('; ')}`)
  await api.mutate('workflows.publish', { id, version: saved.version })
  return id
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : 'n/a')

function printRuns(f: PhaseFigures, accepted: number): void {
  // autocannon does not count the answers still in flight when it stops, so more runs than
  // counted 202s is expected; fewer would be acknowledged events without a run.
  const missing = accepted - f.total
  console.log(
    `    → ${f.finished} runs finished and persisted (${f.succeeded} succeeded, ${f.failed} failed)` +
      `${missing > 0 ? `, ${missing} accepted but not listed` : ''} in ${f.spanS.toFixed(1)} s ` +
      `= ${f.perSecond.toFixed(0)} finished runs/s (first accept → last finish)`,
  )
  console.log(`    webhook → finished: p50 ${ms(f.p50)}, p99 ${ms(f.p99)}`)
  if (f.firstError) console.log(`    first failure: ${f.firstError}`)
}

function printSlowBursts(bursts: SlowBurst[]): void {
  if (bursts.length === 0) return
  const runs = bursts.reduce((n, b) => n + b.runs, 0)
  const worst = bursts
    .slice(0, 3)
    .map((b) => `+${b.atS.toFixed(1)} s: ${b.runs} up to ${ms(b.maxMs)}`)
    .join(', ')
  console.log(
    `    its slowest 1 % (${runs} runs) were accepted in ${bursts.length} burst${bursts.length === 1 ? '' : 's'} ` +
      `(runs within ${BURST_GAP_MS} ms of each other); the largest: ${worst}`,
  )
}

function printLoad(label: string, r: LoadResult): void {
  const other = Object.entries(r.statusCodes).filter(([code]) => code !== '202')
  console.log(
    `  ${label}: ${(r.accepted / r.seconds).toFixed(0)} webhooks/s accepted (${r.accepted} × 202 in ${r.seconds.toFixed(1)} s` +
      `${other.length > 0 ? `; other answers ${other.map(([c, n]) => `${n} × ${c}`).join(', ')}` : ''}` +
      `${r.errors > 0 ? `; ${r.errors} errors/timeouts` : ''}; load process CPU ${((r.loadCpuMs / (r.seconds * 1000)) * 100).toFixed(0)}%, ` +
      `its longest stall ${r.loadStallMs.toFixed(0)} ms)`,
  )
}

async function benchDatabase(database: Database): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowline-bench-live-'))
  const schema = `bench_live_${randomBytes(6).toString('hex')}`
  let server: Child | undefined
  let load: Load | undefined
  let schemaCreated = false
  try {
    if (database === 'PostgreSQL') {
      await pgSchema('create', schema)
      schemaCreated = true
    }
    const port = await freePort()
    server = spawnServer(SERVER_ROOT, dataDir, port, 0, {
      ...(database === 'PostgreSQL' ? { DATABASE_URL: serverPgUrl(PG_URL, schema) } : {}),
    })
    load = await startLoad()
    const api = new Api(`http://127.0.0.1:${port}`)
    await waitHealthy(api.url, server)
    const workflowId = await publishTemplate(api, load)
    const hook = `${api.url}/api/hooks/${workflowId}`
    const pinning = canPin
      ? 'server pinned to CPU 0, load + stubs to CPU 1'
      : 'not pinned (no taskset or < 2 CPUs)'
    console.log(
      `  ${database}: separate processes (${pinning}), ${CONNECTIONS} connections, ${WARMUP_S} s warmup, ` +
        `${SECONDS} s per phase`,
    )
    console.log(
      PEER_WORK
        ? "  workflow: the template doing the peer flow's work (BENCH_LIVE_WORKFLOW=peer: send steps record the channel, 3 calls per run)"
        : '  workflow: the personalization template as published (4 outbound calls per run)',
    )
    const stubLatency = Number(process.env.BENCH_STUB_LATENCY_MS ?? 0)
    if (stubLatency > 0) console.log(`  stub APIs answer after ${stubLatency} ms (BENCH_STUB_LATENCY_MS)`)

    await load.run({ url: hook, seconds: WARMUP_S, connections: CONNECTIONS, phase: 'warmup' })
    await waitAllFinished(api, workflowId)

    // Capacity: flat out; server CPU from just before the load until the last run finished.
    const onPg = database === 'PostgreSQL'
    const pg0 = onPg ? await pgBackendCpu(schema) : new Map<number, number>()
    const [cpu0, load0, busy0, t0] = [
      treeCpuMs(server.pid),
      treeCpuMs(load.child.pid),
      machineBusyMs(),
      Date.now(),
    ]
    const self0 = process.cpuUsage()
    const flat = await load.run({ url: hook, seconds: SECONDS, connections: CONNECTIONS, phase: 'flat' })
    let [cpuMs, pgMs, othersMs, wallMs] = [0, 0, 0, 0]
    await waitAllFinished(api, workflowId, async () => {
      cpuMs = treeCpuMs(server!.pid) - cpu0
      if (onPg) pgMs = pgCpuDelta(pg0, await pgBackendCpu(schema))
      // Whatever else ran on the machine meanwhile (other tests, builds) skews every figure.
      const self = process.cpuUsage(self0)
      const ours = cpuMs + pgMs + treeCpuMs(load!.child.pid) - load0 + (self.user + self.system) / 1000
      othersMs = machineBusyMs() - busy0 - ours
      wallMs = Date.now() - t0
    })
    const capacity = phaseFigures(await allRuns(api, workflowId), 'flat')
    printLoad('flat out', flat)
    printRuns(capacity, flat.accepted)
    console.log(
      `    server CPU ${cpuMs.toFixed(0)} ms = ${(cpuMs / Math.max(1, capacity.finished)).toFixed(2)} ms per finished run ` +
        `(${((cpuMs / (capacity.spanS * 1000)) * 100).toFixed(0)}% of one core over the span)`,
    )
    if (onPg) {
      console.log(
        `    PostgreSQL backends CPU ${pgMs.toFixed(0)} ms = ${(pgMs / Math.max(1, capacity.finished)).toFixed(2)} ms per ` +
          'finished run (not pinned: they share both CPUs with the server and the load)',
      )
    }
    console.log(
      `    rest of the machine meanwhile (other processes, database background work): ${Math.max(0, othersMs).toFixed(0)} ms CPU ` +
        `(${((Math.max(0, othersMs) / wallMs) * 100).toFixed(0)}% of one core; ~0 means an undisturbed figure)`,
    )

    // Half the measured capacity: latency without a standing backlog.
    const rate = Number.isFinite(capacity.perSecond) ? Math.max(1, Math.round(capacity.perSecond / 2)) : 1
    const half = await load.run({
      url: hook,
      seconds: SECONDS,
      connections: CONNECTIONS,
      phase: 'half',
      rate,
    })
    await waitAllFinished(api, workflowId)
    printLoad(
      `at half capacity (autocannon overallRate ${rate}/s, each second's quota sent as a burst)`,
      half,
    )
    printRuns(phaseFigures(await allRuns(api, workflowId), 'half'), half.accepted)

    // The same rate evenly spaced: autocannon's per-second bursts queue runs behind each other.
    // First LEAD_IN_S of it uncounted: reading the last phase's figures listed every run of
    // the bench through the API, and the server's GC cleans that up in the next second (in
    // two runs without the lead-in, most of this phase's slowest 1 % were accepted in its
    // first second, in one burst).
    await load.run({
      url: hook,
      seconds: LEAD_IN_S,
      connections: CONNECTIONS,
      phase: 'lead',
      rate,
      even: true,
    })
    const evenCpu0 = treeCpuMs(server.pid)
    const even = await load.run({
      url: hook,
      seconds: SECONDS,
      connections: CONNECTIONS,
      phase: 'even',
      rate,
      even: true,
    })
    // Taken before the full listing that confirms the end: it reads every run of the bench.
    let evenCpuMs = 0
    await waitAllFinished(api, workflowId, () => {
      evenCpuMs = treeCpuMs(server!.pid) - evenCpu0
    })
    printLoad(
      `at half capacity, evenly paced (${rate}/s, one request every ${(1000 / rate).toFixed(1)} ms)`,
      even,
    )
    const pacedRuns = await allRuns(api, workflowId)
    const paced = phaseFigures(pacedRuns, 'even')
    printRuns(paced, even.accepted)
    printSlowBursts(slowBursts(pacedRuns, 'even'))
    const slowest = await slowestRun(api, pacedRuns, 'even')
    if (slowest)
      console.log(
        `    the slowest run took ${ms(slowest.ms)}: ${ms(slowest.beforeFirstStepMs)} from accept to its first step, ` +
          `then at most ${ms(slowest.longestGapMs)} between two steps (before ${slowest.gapBefore || 'none'})`,
      )
    // Without a standing backlog: what a run costs when the server keeps up.
    console.log(
      `    server CPU ${evenCpuMs.toFixed(0)} ms = ${(evenCpuMs / Math.max(1, paced.finished)).toFixed(2)} ms per finished run ` +
        `(${((evenCpuMs / (paced.spanS * 1000)) * 100).toFixed(0)}% of one core)`,
    )

    const stubs = await load.stats()
    const runs = (await allRuns(api, workflowId)).length
    console.log(
      `  stubs: ${stubs.reco} recommendation calls, ${stubs.braze} Braze calls ` +
        `(${(stubs.braze / Math.max(1, runs)).toFixed(2)} per run over ${runs} runs incl. warmup)`,
    )
    const logged = server.logged()
    if (logged.lines > 0)
      console.log(`  server logged ${logged.lines} lines at warn or above; first: ${logged.first}`)
  } finally {
    await stopChild(server)
    await stopChild(load?.child)
    if (!process.env.BENCH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true })
    if (schemaCreated) await pgSchema('drop', schema).catch(() => undefined)
  }
}

export async function benchLive(): Promise<void> {
  let failed: Error | undefined
  // BENCH_LIVE_DB=sqlite or =postgres benches one of them only.
  const only = process.env.BENCH_LIVE_DB?.toLowerCase()
  for (const database of ['SQLite', 'PostgreSQL'] as const) {
    if (only && !database.toLowerCase().startsWith(only)) continue
    try {
      await benchDatabase(database)
    } catch (err) {
      failed = err as Error
      console.log(`  ${database} failed: ${(err as Error).message}`)
    }
  }
  if (failed) throw failed
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLive()
}
