/**
 * Two server versions side by side (`npm run bench -- "live A/B"`; standalone: `node --import
 * tsx bench/live-ab.ts`): both as their own processes pinned to the same CPU, each with its
 * own load process and stubs (pinned to the other CPU) sending the same evenly paced webhooks
 * at the same time, on SQLite. On shared machines the speed of a core moves by a quarter from
 * one minute to the next, more than most changes to the run path: two runs of bench/live.ts
 * minutes apart cannot tell such a change from the machine. Measured at once, both versions
 * meet the same machine, and the ratio of their CPU per run holds.
 *
 * BENCH_AB_A, BENCH_AB_B: the checkouts to compare (default: this one as both, which shows
 * the method's own spread); BENCH_AB_A_ENV, BENCH_AB_B_ENV: settings for one side only, as
 * `NAME=value NAME2=value` (to compare settings on one checkout); BENCH_AB_RATE: webhooks/s to each (default 300); BENCH_SECONDS
 * per round (default 10); BENCH_AB_ROUNDS (default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type Load, publishTemplate, spawnServer, startLoad } from './live.ts'
import { Api, allRuns, phaseFigures, waitAllFinished } from './live-api'
import { type Child, freePort, stopChild, treeCpuMs, waitHealthy } from './live-procs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const RATE = Number(process.env.BENCH_AB_RATE ?? 300)
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 3)
const CONNECTIONS = 10

interface Side {
  label: string
  root: string
  env: NodeJS.ProcessEnv
  dataDir: string
  server?: Child
  load?: Load
  api?: Api
  hook?: string
  workflowId?: string
}

interface RoundFigures {
  cpuMs: number
  finished: number
  p99: number
}

async function start(side: Side): Promise<void> {
  const port = await freePort()
  side.server = spawnServer(side.root, side.dataDir, port, 0, side.env)
  side.load = await startLoad()
  side.api = new Api(`http://127.0.0.1:${port}`)
  await waitHealthy(side.api.url, side.server)
  side.workflowId = await publishTemplate(side.api, side.load)
  side.hook = `${side.api.url}/api/hooks/${side.workflowId}`
}

/** The server's CPU from now until its runs of `phase` have finished, and how many did. */
async function measure(side: Side, phase: string, cpu0: number): Promise<RoundFigures> {
  let cpuMs = 0
  await waitAllFinished(side.api!, side.workflowId!, () => {
    cpuMs = treeCpuMs(side.server!.pid) - cpu0
  })
  const figures = phaseFigures(await allRuns(side.api!, side.workflowId!), phase)
  return { cpuMs, finished: figures.finished, p99: figures.p99 }
}

async function round(sides: [Side, Side], phase: string, seconds: number): Promise<RoundFigures[]> {
  const cpu0 = sides.map((s) => treeCpuMs(s.server!.pid))
  await Promise.all(
    sides.map((s) =>
      s.load!.run({ url: s.hook!, seconds, connections: CONNECTIONS, phase, rate: RATE, even: true }),
    ),
  )
  // One after the other: the first side's listing costs only its own server CPU, after its figure.
  const figures: RoundFigures[] = []
  for (const [i, side] of sides.entries()) figures.push(await measure(side, phase, cpu0[i]))
  return figures
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
    console.log(
      `  both servers on CPU 0 at once, ${RATE} webhooks/s each, evenly paced, ${SECONDS} s per round, SQLite`,
    )
    await round(sides, 'warmup', 2)
    const ratios: number[] = []
    for (let r = 1; r <= ROUNDS; r++) {
      const [fa, fb] = await round(sides, `round${r}`, SECONDS)
      const perRun = (f: RoundFigures) => f.cpuMs / Math.max(1, f.finished)
      const ratio = perRun(fb) / perRun(fa)
      ratios.push(ratio)
      const side = (label: string, f: RoundFigures) =>
        `${label} ${perRun(f).toFixed(3)} ms CPU per run (${f.finished} runs, p99 ${f.p99.toFixed(0)} ms)`
      console.log(`  round ${r}: ${side('A', fa)}; ${side('B', fb)}; B/A ${ratio.toFixed(3)}`)
    }
    const mean = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length)
    console.log(`  B/A CPU per run over ${ROUNDS} rounds (geometric mean): ${mean.toFixed(3)}`)
  } finally {
    for (const side of sides) {
      await stopChild(side.server)
      await stopChild(side.load?.child)
      rmSync(side.dataDir, { recursive: true, force: true })
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLiveAb()
}
