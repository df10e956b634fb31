/**
 * What V8's node flags do to runs of JSONata steps (`npm run bench -- "JSONata steps"`;
 * standalone: `node --import tsx bench/jsonata-steps.ts`): a workflow of ten transform steps
 * whose expressions JSONata evaluates (none fits the engine's synchronous fast path), run by
 * the engine one after another, in a child process pinned to one CPU: with the flags `npm
 * start` gives node, with them but allocation-site pretenuring left on, and with V8's
 * defaults. Prints CPU per run (GC threads included), what young-generation GCs copied into
 * the old generation per run, and how much the old generation grew per run (copied, or
 * allocated there straight away).
 * With V8's default young generation, allocation-site pretenuring starts placing objects of
 * these steps in the old generation, where dead ones keep young objects alive until a full
 * GC: on 2026-12-01 that was 22 KB promoted and 2.6× the CPU per run; `--max-semi-space-size=32`
 * avoids it. But before the measured runs the child runs a backlog (BACKLOG runs at once,
 * their objects living through young-generation GCs, as runs do when a server is flat out):
 * V8 then decides to place these steps' objects in the old generation even with the larger
 * young generation, and keeps doing so for the quick runs after it, until the next full GC
 * and beyond. `--no-allocation-site-pretenuring` keeps them young.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import v8 from 'node:v8'
import { executeWorkflow } from '../apps/server/src/services/engine'
import { nodeFlagsOf } from '../apps/server/src/testing/node-flags'
import { end, flow, start, transform } from '../packages/engine/src/run/fixtures'
import { canPin } from './live-procs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CHILD_FLAG = '--jsonata-steps-child'
const RUNS = Number(process.env.BENCH_JSONATA_RUNS ?? 20_000)
const WARMUP = 3_000
const STEPS = 10
// Runs at once before the measured ones (a flat-out server's run thread holds about this many).
const BACKLOG = 2_000

async function runChild(): Promise<void> {
  const nodes = [start('s')]
  const edges: string[] = []
  let prev = 's'
  for (let i = 0; i < STEPS; i++) {
    const id = `t${i}`
    nodes.push(transform(id, { [`v${i}`]: `$string(${i}) & "-" & event.user.name` }))
    edges.push(`${prev} -> ${id}`)
    prev = id
  }
  nodes.push(end('e'))
  edges.push(`${prev} -> e`)
  const model = flow(nodes, edges)
  const event = JSON.stringify({
    type: 'page',
    user: { name: 'maya', id: 'u1' },
    properties: { path: '/c/trail' },
  })
  const runs = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const result = await executeWorkflow(model, {
        event: JSON.parse(event),
        runId: `run-${i}`,
        dryRun: false,
        recordEvents: false,
      })
      if (result.status !== 'succeeded') throw new Error(`run failed: ${result.error}`)
    }
  }
  await runs(WARMUP)
  await Promise.all(Array.from({ length: BACKLOG }, () => runs(1)))
  const oldGrowth = oldGenerationGrowth()
  const cpu0 = process.cpuUsage()
  process.stdout.write('MEASURED\n')
  for (let done = 0; done < RUNS; done += 100) {
    await runs(100)
    oldGrowth.sample()
  }
  const cpu = process.cpuUsage(cpu0)
  process.stdout.write(`CPU ${(cpu.user + cpu.system) / RUNS}\nOLD ${oldGrowth.total() / RUNS}\n`)
}

/** What the old generation gained between samples, leaving out what full GCs freed. */
function oldGenerationGrowth() {
  const used = () =>
    v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0
  let last = used()
  let grown = 0
  return {
    sample() {
      const now = used()
      if (now > last) grown += now - last
      last = now
    },
    total: () => grown,
  }
}

/**
 * One child's CPU µs per run, KB promoted per run (from its `--trace-gc-nvp` lines, measured
 * runs only) and KB per run the old generation grew by.
 */
function measure(flags: string[]): { cpuUs: number; promotedKb: number; oldKb: number } {
  const script = fileURLToPath(import.meta.url)
  const node = [process.execPath, ...flags, '--trace-gc-nvp', '--import', 'tsx', script, CHILD_FLAG]
  const [cmd, ...args] = canPin ? ['taskset', '-c', '0', ...node] : node
  const out = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (out.status !== 0) throw new Error(`the JSONata-steps child failed: ${out.stderr.slice(-2000)}`)
  let promoted = 0
  let measuring = false
  let cpuUs = Number.NaN
  let oldBytes = Number.NaN
  for (const line of out.stdout.split('\n')) {
    if (line === 'MEASURED') measuring = true
    else if (line.startsWith('CPU ')) cpuUs = Number(line.slice(4))
    else if (line.startsWith('OLD ')) oldBytes = Number(line.slice(4))
    else if (measuring && line.includes(' gc=s ')) promoted += Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? 0)
  }
  return { cpuUs, promotedKb: promoted / RUNS / 1024, oldKb: oldBytes / 1024 }
}

export async function benchJsonataSteps(): Promise<void> {
  const flags = nodeFlagsOf('start', ROOT)
  const pretenuring = flags.filter((f) => f !== '--no-allocation-site-pretenuring')
  console.log(
    `  ${STEPS} JSONata transform steps per run, ${RUNS} runs one after another, after ${WARMUP} to warm up and a backlog of ${BACKLOG} at once, one CPU`,
  )
  for (const [label, args] of [
    [`npm start's flags (${flags.join(' ')})`, flags],
    ...(pretenuring.length < flags.length ? [['the same with pretenuring', pretenuring] as const] : []),
    ["V8's defaults", []],
  ] as const) {
    const { cpuUs, promotedKb, oldKb } = measure([...args])
    console.log(
      `  ${label}: ${cpuUs.toFixed(0)} µs CPU per run; ${promotedKb.toFixed(1)} KB per run copied to the old generation, which grew ${oldKb.toFixed(1)} KB per run`,
    )
  }
}

if (process.argv.includes(CHILD_FLAG)) await runChild()
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchJsonataSteps()
