/**
 * Two server versions side by side (`npm run bench -- "side by side"`; standalone: `node
 * --import tsx bench/live-ab.ts`): both as their own processes pinned to the same CPU, each
 * with its own load process and stubs (pinned to the other CPU) sending webhooks at the same
 * time, on SQLite. On shared machines the speed of a core moves by a quarter from one minute
 * to the next, more than most changes to the run path: two runs of bench/live.ts minutes
 * apart cannot tell such a change from the machine. Measured at once, both versions meet the
 * same machine, and the ratio of their CPU per run holds (A/A: within a few % a round).
 *
 * BENCH_AB_A, BENCH_AB_B: the checkouts to compare (default: this one as both, which shows
 * the method's own spread); BENCH_AB_A_ENV, BENCH_AB_B_ENV: settings for one side only, as
 * `NAME=value NAME2=value`; BENCH_AB_RATE: webhooks/s to each, evenly paced (default 0: flat
 * out, each server taking all the webhooks its backlog holds, CPU per run from the first
 * webhook until its backlog has drained, as bench/live.ts measures capacity); BENCH_SECONDS
 * of load per round (default 6); BENCH_AB_ROUNDS (default 4: which side starts first
 * alternates); BENCH_AB_BACKLOG_SECONDS: that long flat out before the paced rounds (default
 * 0), as bench/live.ts measures its paced phases after its flat-out one (what a backlog left
 * behind, such as V8's pretenuring decisions, then shows in them); BENCH_LIVE_WORKFLOW=peer
 * as in bench/live.ts; BENCH_LIVE_DB=postgres: each server on a schema of its own in
 * BENCH_PG_URL's database, CPU per run counting its PostgreSQL backends too (they do part of
 * each run's work, on either CPU).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type Load, publishTemplate, spawnServer, startLoad } from './live.ts'
import { Api, allRuns, phaseFigures, waitAllFinished } from './live-api'
import { PG_URL, pgBackendCpu, pgCpuDelta, pgSchema, serverPgUrl } from './live-pg'
import { type Child, freePort, stopChild, treeCpuMs, waitHealthy } from './live-procs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6)
const RATE = Number(process.env.BENCH_AB_RATE ?? 0)
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 4)
const BACKLOG_SECONDS = Number(process.env.BENCH_AB_BACKLOG_SECONDS ?? 0)
const CONNECTIONS = 10
const POSTGRES = process.env.BENCH_LIVE_DB?.toLowerCase() === 'postgres'

interface Side {
  label: string
  root: string
  env: NodeJS.ProcessEnv
  dataDir: string
  /** PostgreSQL: the side's schema, once created. */
  schema?: string
  server?: Child
  load?: Load
  api?: Api
  hook?: string
  workflowId?: string
}

interface RoundFigures {
  /** The server's and (PostgreSQL) its backends'. */
  cpuMs: number
  dbCpuMs: number
  finished: number
  p99: number
}

async function start(side: Side): Promise<void> {
  const port = await freePort()
  if (POSTGRES) {
    const schema = `bench_ab_${randomBytes(6).toString('hex')}`
    await pgSchema('create', schema)
    side.schema = schema
  }
  const database = side.schema ? { DATABASE_URL: serverPgUrl(PG_URL, side.schema) } : {}
  side.server = spawnServer(side.root, side.dataDir, port, 0, Object.assign(database, side.env))
  side.load = await startLoad()
  side.api = new Api(`http://127.0.0.1:${port}`)
  await waitHealthy(side.api.url, side.server)
  side.workflowId = await publishTemplate(side.api, side.load)
  side.hook = `${side.api.url}/api/hooks/${side.workflowId}`
}

/**
 * Each server's CPU from `cpu0` until its runs have finished, and how many of `phase` did. Both
 * are awaited at once, and only then listed: a listing costs its server CPU and the other
 * side's run time.
 */
async function measure(
  sides: [Side, Side],
  phase: string,
  cpu0: number[],
  db0: Map<number, number>[],
): Promise<RoundFigures[]> {
  const cpuMs = [0, 0]
  const dbCpuMs = [0, 0]
  await Promise.all(
    sides.map((side, i) =>
      waitAllFinished(side.api!, side.workflowId!, async () => {
        cpuMs[i] = treeCpuMs(side.server!.pid) - cpu0[i]
        if (side.schema) dbCpuMs[i] = pgCpuDelta(db0[i], await pgBackendCpu(side.schema))
      }),
    ),
  )
  const figures: RoundFigures[] = []
  for (const [i, side] of sides.entries()) {
    const f = phaseFigures(await allRuns(side.api!, side.workflowId!), phase)
    figures.push({ cpuMs: cpuMs[i] + dbCpuMs[i], dbCpuMs: dbCpuMs[i], finished: f.finished, p99: f.p99 })
  }
  return figures
}

const dbCpu = (side: Side) => (side.schema ? pgBackendCpu(side.schema) : Promise.resolve(new Map()))

async function round(
  sides: [Side, Side],
  phase: string,
  seconds: number,
  rate = RATE,
): Promise<RoundFigures[]> {
  const db0 = await Promise.all(sides.map(dbCpu))
  const cpu0 = sides.map((s) => treeCpuMs(s.server!.pid))
  await Promise.all(
    sides.map((s) =>
      s.load!.run({
        url: s.hook!,
        seconds,
        connections: CONNECTIONS,
        phase,
        ...(rate > 0 ? { rate, even: true } : {}),
      }),
    ),
  )
  return measure(sides, phase, cpu0, db0)
}

const settings = (text = ''): NodeJS.ProcessEnv =>
  Object.fromEntries(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => pair.split(/=(.*)/s, 2)),
  )

export async function benchLiveAb(): Promise<void> {
  const a: Side = {
    label: 'A',
    root: process.env.BENCH_AB_A ?? ROOT,
    env: settings(process.env.BENCH_AB_A_ENV),
    dataDir: mkdtempSync(join(tmpdir(), 'flowline-bench-ab-')),
  }
  const b: Side = {
    label: 'B',
    root: process.env.BENCH_AB_B ?? ROOT,
    env: settings(process.env.BENCH_AB_B_ENV),
    dataDir: mkdtempSync(join(tmpdir(), 'flowline-bench-ab-')),
  }
  const sides: [Side, Side] = [a, b]
  try {
    for (const side of sides) await start(side)
    for (const side of sides)
      console.log(
        `  ${side.label}: ${side.root}${Object.entries(side.env)
          .map(([k, v]) => ` ${k}=${v}`)
          .join('')}`,
      )
    const pace = RATE > 0 ? `${RATE} webhooks/s each, evenly paced` : 'flat out'
    const backlog = BACKLOG_SECONDS > 0 ? `, after ${BACKLOG_SECONDS} s flat out` : ''
    console.log(
      `  both servers on CPU 0 at once, ${pace}, ${SECONDS} s per round${backlog}, ${POSTGRES ? 'PostgreSQL (CPU per run: server + its backends)' : 'SQLite'}`,
    )
    await round(sides, 'warmup', 2)
    if (BACKLOG_SECONDS > 0) await round(sides, 'backlog', BACKLOG_SECONDS, 0)
    const ratios: number[] = []
    for (let r = 1; r <= ROUNDS; r++) {
      // Which side starts first alternates, should starting first matter.
      const [fa, fb] =
        r % 2 === 1
          ? await round(sides, `round${r}`, SECONDS)
          : (await round([b, a], `round${r}`, SECONDS)).reverse()
      const perRun = (f: RoundFigures) => f.cpuMs / Math.max(1, f.finished)
      const ratio = perRun(fb) / perRun(fa)
      ratios.push(ratio)
      const database = (f: RoundFigures) =>
        POSTGRES ? `, ${(f.dbCpuMs / Math.max(1, f.finished)).toFixed(3)} of it PostgreSQL's` : ''
      const side = (label: string, f: RoundFigures) =>
        `${label} ${perRun(f).toFixed(3)} ms CPU per run (${f.finished} runs${database(f)}, p99 ${f.p99.toFixed(0)} ms)`
      console.log(`  round ${r}: ${side('A', fa)}; ${side('B', fb)}; B/A ${ratio.toFixed(3)}`)
    }
    const mean = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length)
    console.log(`  B/A CPU per run over ${ROUNDS} rounds (geometric mean): ${mean.toFixed(3)}`)
  } finally {
    for (const side of sides) {
      await stopChild(side.server)
      await stopChild(side.load?.child)
      rmSync(side.dataDir, { recursive: true, force: true })
      if (side.schema) await pgSchema('drop', side.schema).catch(() => undefined)
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLiveAb()
}
