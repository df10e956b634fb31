/**
 * The analytics view over 1,000,000 runs (issue 22): the rollup of that many runs of the
 * personalization template, spread over 7 days and 3 versions, then `analytics.workflow`
 * called through tRPC (createCaller, no HTTP) for the windows the view offers; prints
 * p50/p99 ms (target ≤ 300 ms). Also what the rollup triggers add to finishing one run.
 *
 * The rollup is filled bulk-equivalently, not through the triggers: each synthetic run's
 * path (a random walk over the template, 3 % failing at the API call, 1 % at each Braze step) is turned into the
 * +1 on (hour, version, status|path) the trigger adds, summed in memory and inserted as the
 * rows 1,000,000 trigger firings would leave. On PostgreSQL the sums are spread over
 * 8 shards, as 8 writing connections would leave them.
 *
 * SQLite by default; `BENCH_ANALYTICS_DB=postgres` with TEST_DATABASE_URL uses PostgreSQL;
 * `BENCH_ANALYTICS_RUNS` changes the count. Standalone: `node --import tsx bench/analytics.ts`.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import type SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { createContextInner } from '../apps/server/src/context'
import type { Db, RawDatabase } from '../apps/server/src/db'
import { appRouter } from '../apps/server/src/routers/_app'
import { parseNotation, type Workflow } from '../apps/server/src/services/engine'
import { createCallerFactory } from '../apps/server/src/trpc'
import { benchServices } from './bench-services'

const RUNS = Number(process.env.BENCH_ANALYTICS_RUNS ?? 1_000_000)
const CALLS = 100
const HOURS = 7 * 24
const VERSIONS = 3
const FAILS: Record<string, number> = { n8: 0.03, n15: 0.01, n16: 0.01, n18: 0.01, n19: 0.01 }

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))]

/** One run's path: nodes reached, the one that failed (if any), edges taken. */
function walk(model: Workflow, rand: () => number) {
  const out = new Map<string, string[]>()
  for (const e of model.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.id])
  const target = new Map(model.edges.map((e) => [e.id, e.target]))
  const reached: string[] = []
  const taken: string[] = []
  let node: string | undefined = 'n1'
  while (node) {
    reached.push(node)
    // The API call fails now and then, Braze calls rarely: more distinct paths, as in real traffic.
    if (rand() < (FAILS[node] ?? 0)) return { reached, taken, failed: node }
    const edges: string[] = out.get(node) ?? []
    if (edges.length === 0) break
    const edge: string = edges[Math.floor(rand() * edges.length)]
    taken.push(edge)
    node = target.get(edge)
  }
  return { reached, taken, failed: null }
}

/** The rows RUNS trigger firings would leave: one per hour, version, shard and distinct path. */
function rollupRows(model: Workflow, workflowId: string, shards: number) {
  // mulberry32: a seeded generator with a full period (a float LCG repeats after a few thousand).
  let seed = 7
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const start = Date.now() - HOURS * 3_600_000
  const sums = new Map<string, number>()
  for (let i = 0; i < RUNS; i++) {
    const bucket = new Date(start + Math.floor(rand() * HOURS) * 3_600_000).toISOString().slice(0, 13)
    const path = walk(model, rand)
    const tokens = [
      ...path.reached.map((n) => `r:${n}`),
      ...path.reached.filter((n) => n !== path.failed).map((n) => `s:${n}`),
      ...(path.failed ? [`f:${path.failed}`] : []),
      ...path.taken.map((e) => `t:${e}`),
    ].sort()
    const key = `${bucket}\t${1 + Math.floor(rand() * VERSIONS)}\t${Math.floor(rand() * shards)}\t${path.failed ? 'failed' : 'succeeded'}\t${JSON.stringify(tokens)}`
    sums.set(key, (sums.get(key) ?? 0) + 1)
  }
  // Paths stored once, as the trigger does; rollup rows name them by id.
  const ids = new Map<string, number>()
  const rows = [...sums].map(([key, count]) => {
    const [bucket, version, shard, status, signature] = key.split('\t')
    if (!ids.has(signature)) ids.set(signature, ids.size + 1)
    return {
      workflow_id: workflowId,
      bucket,
      version: Number(version),
      shard: Number(shard),
      metric: 'path' as const,
      item: `${status}|${ids.get(signature)}`,
      count,
    }
  })
  return { rows, paths: [...ids].map(([signature, id]) => ({ id, signature })) }
}

async function insertRows(db: Db, { rows, paths }: ReturnType<typeof rollupRows>) {
  await db.insertInto('analytics_paths').values(paths).execute()
  for (let i = 0; i < rows.length; i += 1_000)
    await db
      .insertInto('analytics_rollup')
      .values(rows.slice(i, i + 1_000))
      .execute()
}

/**
 * SQLite: what the rollup trigger adds to marking a run finished, with a real personalization
 * trace: with the path the run pool hands over (the usual case), with the trace parsed instead
 * (runs resumed after a wait or restart, cancels), and for runs it skips (test runs).
 */
async function triggerCost(sqlite: SQLite.Database, workflowId: string, trace: string) {
  const n = 1_500
  const at = new Date().toISOString()
  const path = JSON.stringify(
    (JSON.parse(trace) as { type: string; nodeId?: string; edgeId?: string }[])
      .flatMap((e) =>
        e.type === 'node.started'
          ? [`r:${e.nodeId}`]
          : e.type === 'node.finished'
            ? [`s:${e.nodeId}`]
            : e.type === 'edge.taken'
              ? [`t:${e.edgeId}`]
              : [],
      )
      .sort(),
  )
  // Prepared statements in one transaction per group commit, as the run writer's SQLite backend does.
  const insertRun = sqlite.prepare(
    `INSERT INTO runs (id, workflow_id, version, kind, status, trigger, dry_run, event, started_at)
     VALUES (?, ?, 1, ?, 'running', 'webhook', 0, '{}', ?)`,
  )
  const insertTrace = sqlite.prepare(
    'INSERT INTO run_trace (run_id, first_seq, last_seq, data) VALUES (?, 1, 61, ?)',
  )
  const finish = sqlite.prepare(
    `UPDATE runs SET status = 'succeeded', finished_at = ?, duration_ms = 5, state = NULL, analytics_path = ? WHERE id = ?`,
  )
  async function finishRuns(kind: 'production' | 'test', analyticsPath: string | null) {
    const ids = Array.from({ length: n }, () => randomUUID())
    sqlite.transaction(() => {
      for (const id of ids) {
        insertRun.run(id, workflowId, kind, at)
        insertTrace.run(id, trace)
      }
    })()
    const t0 = performance.now()
    for (let i = 0; i < n; i += 20)
      sqlite.transaction(() => {
        for (const id of ids.slice(i, i + 20)) finish.run(at, analyticsPath, id)
      })()
    return ((performance.now() - t0) * 1000) / n
  }
  await finishRuns('production', path) // warm-up
  return {
    handedOver: await finishRuns('production', path),
    parsed: await finishRuns('production', null),
    skipped: await finishRuns('test', path),
  }
}

export async function benchAnalytics(): Promise<void> {
  const usePg = process.env.BENCH_ANALYTICS_DB === 'postgres' && process.env.TEST_DATABASE_URL
  const { db, raw, services, dispose } = await benchServices('analytics', !!usePg)
  try {
    const model = parseNotation(
      readFileSync(new URL('../packages/engine/templates/personalization.flow', import.meta.url), 'utf8'),
    )
    const editor = { email: 'bench@example.com' }
    const { id: workflowId } = await services.workflows.create(editor, model, 'workflow.create')
    for (let v = 2; v <= VERSIONS; v++)
      await services.workflows.save(editor, { id: workflowId, baseVersion: v - 1, model })

    const t0 = performance.now()
    const filled = rollupRows(model, workflowId, usePg ? 8 : 1)
    await insertRows(db, filled)
    const rows = filled.rows
    if (usePg) await sql`ANALYZE analytics_rollup`.execute(db)
    const where = usePg ? 'PostgreSQL' : 'SQLite'
    console.log(
      `  ${RUNS.toLocaleString('en')} runs over ${HOURS} hours and ${VERSIONS} versions → ${rows.length.toLocaleString('en')} rollup rows, ${filled.paths.length} distinct paths (${where}), filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )

    const viewer = { id: 'bench-viewer', email: 'viewer@example.com', role: 'viewer' as const }
    const caller = createCallerFactory(appRouter)(createContextInner({ db, services, user: viewer }))
    const now = Date.now()
    const windows = [
      { name: '7 days, all versions', from: now - HOURS * 3_600_000, version: null },
      { name: '7 days, version 2', from: now - HOURS * 3_600_000, version: 2 },
      { name: 'last day, all versions', from: now - 24 * 3_600_000, version: null },
      { name: 'last hour, all versions', from: now - 3_600_000, version: null },
    ]
    for (const w of windows) {
      const input = {
        workflowId,
        version: w.version,
        from: new Date(w.from).toISOString(),
        to: new Date(now).toISOString(),
      }
      const began = performance.now()
      const first = await caller.analytics.workflow(input)
      const firstMs = performance.now() - began
      // Warm-up: the first calls also pay for the fill's garbage being collected.
      for (let i = 0; i < 10; i++) await caller.analytics.workflow(input)
      const times: number[] = []
      for (let i = 0; i < CALLS; i++) {
        const began = performance.now()
        await caller.analytics.workflow(input)
        times.push(performance.now() - began)
      }
      const runs = first.runs.succeeded + first.runs.failed
      console.log(
        `  ${w.name}: ${runs.toLocaleString('en')} runs counted, p50 ${pct(times, 0.5).toFixed(1)} ms, p99 ${pct(times, 0.99).toFixed(1)} ms (target ≤ 300 ms; first call ${firstMs.toFixed(0)} ms${usePg && w === windows[0] ? ', before shards were folded' : ''})`,
      )
    }

    if (!usePg) {
      const trace = readFileSync(new URL('./analytics-trace.json', import.meta.url), 'utf8')
      const cost = await triggerCost(
        (raw as Extract<RawDatabase, { kind: 'sqlite' }>).sqlite,
        workflowId,
        trace,
      )
      const us = (x: number) => `${x.toFixed(0)} µs`
      console.log(
        `  marking a run finished (${Math.round(trace.length / 1024)} KB trace, prepared statements, 20 runs a commit): ${us(cost.handedOver)} with the path handed over, ${us(cost.parsed)} parsing the trace, ${us(cost.skipped)} without the trigger (test runs)`,
      )
    }
  } finally {
    await dispose()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchAnalytics()
