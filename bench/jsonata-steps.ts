/**
 * What V8's node flags do to runs of JSONata steps (`npm run bench -- "JSONata steps"`;
 * standalone: `node --import tsx bench/jsonata-steps.ts`): a workflow of ten transform steps
 * whose expressions JSONata evaluates (none fits the engine's synchronous fast path), run by
 * the engine one after another, in a child process pinned to one CPU, once with the flags
 * `npm start` gives node and once with V8's defaults. Prints CPU per run (GC threads
 * included) and what young-generation GCs copied into the old generation per run.
 * With V8's default young generation, allocation-site pretenuring starts placing objects of
 * these steps in the old generation, where dead ones keep young objects alive until a full
 * GC (`--no-allocation-site-pretenuring` brings it back down as well): on 2026-12-01 that
 * was 22 KB promoted and 2.6× the CPU per run; `--max-semi-space-size=32` avoids it.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { executeWorkflow } from '../apps/server/src/services/engine'
import { nodeFlagsOf } from '../apps/server/src/testing/node-flags'
import { end, flow, start, transform } from '../packages/engine/src/run/fixtures'
import { canPin } from './live-procs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CHILD_FLAG = '--jsonata-steps-child'
const RUNS = Number(process.env.BENCH_JSONATA_RUNS ?? 20_000)
const WARMUP = 3_000
const STEPS = 10

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
  const cpu0 = process.cpuUsage()
  await runs(RUNS)
  const cpu = process.cpuUsage(cpu0)
  process.stdout.write(`CPU ${(cpu.user + cpu.system) / RUNS}\n`)
}

/** One child's CPU µs per run and KB promoted per run (from its `--trace-gc-nvp` lines). */
function measure(flags: string[]): { cpuUs: number; promotedKb: number } {
  const script = fileURLToPath(import.meta.url)
  const node = [process.execPath, ...flags, '--trace-gc-nvp', '--import', 'tsx', script, CHILD_FLAG]
  const [cmd, ...args] = canPin ? ['taskset', '-c', '0', ...node] : node
  const out = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (out.status !== 0) throw new Error(`the JSONata-steps child failed: ${out.stderr.slice(-2000)}`)
  let promoted = 0
  let cpuUs = Number.NaN
  for (const line of out.stdout.split('\n')) {
    if (line.startsWith('CPU ')) cpuUs = Number(line.slice(4))
    else if (line.includes(' gc=s ')) promoted += Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? 0)
  }
  // Warmup runs' GCs are in the log too: spread over all runs the child made.
  return { cpuUs, promotedKb: promoted / (RUNS + WARMUP) / 1024 }
}

export async function benchJsonataSteps(): Promise<void> {
  const flags = nodeFlagsOf('start', ROOT)
  console.log(`  ${STEPS} JSONata transform steps per run, ${RUNS} runs after ${WARMUP} to warm up, one CPU`)
  for (const [label, args] of [
    [`npm start's flags (${flags.join(' ')})`, flags],
    ["V8's defaults", []],
  ] as const) {
    const { cpuUs, promotedKb } = measure([...args])
    console.log(
      `  ${label}: ${cpuUs.toFixed(0)} µs CPU per run; ${promotedKb.toFixed(1)} KB per run copied to the old generation`,
    )
  }
}

if (process.argv.includes(CHILD_FLAG)) await runChild()
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchJsonataSteps()
