/**
 * What a run leaves to V8's garbage collector (`npm run bench -- "run memory"`; standalone:
 * `node --import tsx bench/run-memory.ts`): the seed template runs through the run host as on
 * a run thread (stub HTTP answers, checkpoints confirmed a turn later), 16 at a time, in a
 * child process with `--trace-gc-nvp`. Printed per run: bytes allocated, bytes the young-
 * generation GC copied into the old generation, and that GC's pauses. A run's objects should
 * die young; what gets promoted is copied twice and later swept by a full collection, and
 * is most of the GC cost of a loaded server. Unlike end-to-end figures, these barely move
 * from machine to machine.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { FromHost } from '../apps/server/src/services/execution/protocol'
import { createRunHost } from '../apps/server/src/services/execution/run-host'
import { personalizationEvents } from '../packages/engine/templates/personalization-samples'
import { STUB_BRAZE, seedModel, stubAnswer } from './seed-stubs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RUNS = Number(process.env.BENCH_MEMORY_RUNS ?? 20_000)
const IN_FLIGHT = 16
const CHILD_FLAG = '--run-memory-child'

/** The child: runs the host flat out and exits; its GC trace goes to stdout. */
async function runChild(): Promise<void> {
  const model = seedModel()
  // Answers a turn later, as a socket would.
  const fetch = Object.assign(
    (url: string) =>
      new Promise<{
        status: number
        headers: { forEach(cb: (v: string, k: string) => void): void }
        text(): Promise<string>
      }>((resolve) =>
        setImmediate(() =>
          resolve({
            status: 201,
            headers: { forEach: (cb) => cb('application/json', 'content-type') },
            text: async () => stubAnswer(url),
          }),
        ),
      ),
    { enforcesTimeout: true as const },
  )
  const connections = { [STUB_BRAZE.id]: STUB_BRAZE }
  const event = JSON.stringify(personalizationEvents['page-push'])
  let started = 0
  let finished = 0
  let done: () => void = () => {}
  const host = createRunHost({
    post: (msg: FromHost) => {
      if (msg.t === 'checkpoint' && msg.id !== 0) {
        const id = msg.id
        setImmediate(() => host.handle({ t: 'ack', id }))
      } else if (msg.t === 'finished') {
        finished++
        if (started < RUNS) start(msg.runId)
        else if (finished === RUNS) done()
      }
    },
    deps: { fetch },
    now: () => Date.now(),
    marks: null,
  })
  const slotOf = new Map<string, number>()
  function start(after?: string): void {
    const slot = after === undefined ? started : slotOf.get(after)!
    if (after !== undefined) slotOf.delete(after)
    const runId = `0197d7a0-1234-7abc-8def-${String(started++).padStart(12, '0')}`
    slotOf.set(runId, slot)
    host.handle({
      t: 'start',
      slot,
      modelKey: 'seed@1',
      model,
      path: true,
      connections,
      job: {
        runId,
        workflowId: 'seed',
        version: 1,
        event: JSON.parse(event),
        dryRun: false,
        acceptedAt: new Date().toISOString(),
      },
    })
  }
  await new Promise<void>((resolve) => {
    done = resolve
    for (let i = 0; i < IN_FLIGHT; i++) start()
  })
}

interface Scavenges {
  count: number
  pauseMs: number
  allocated: number
  promoted: number
}

/** Sums the young-generation collections (`gc=s`) of a `--trace-gc-nvp` log. */
function scavenges(log: string): Scavenges {
  const sum: Scavenges = { count: 0, pauseMs: 0, allocated: 0, promoted: 0 }
  for (const line of log.split('\n')) {
    if (!line.includes(' gc=s ')) continue
    const field = (name: string) => Number(new RegExp(`\\b${name}=([0-9.]+)`).exec(line)?.[1] ?? 0)
    sum.count++
    sum.pauseMs += field('pause')
    sum.allocated += field('allocated')
    sum.promoted += field('promoted')
  }
  return sum
}

export async function benchRunMemory(): Promise<void> {
  const script = fileURLToPath(import.meta.url)
  const child = spawn(process.execPath, ['--trace-gc-nvp', '--import', 'tsx', script, CHILD_FLAG], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let log = ''
  child.stdout.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`the run-memory child exited with ${code}`)
  const s = scavenges(log)
  const kb = (bytes: number) => (bytes / RUNS / 1024).toFixed(1)
  console.log(`  ${RUNS} seed runs through the run host, ${IN_FLIGHT} at a time, stub answers`)
  console.log(`  allocated: ${kb(s.allocated)} KB per run`)
  console.log(
    `  promoted to the old generation by young-generation GCs: ${kb(s.promoted)} KB per run ` +
      `(${((s.promoted / s.allocated) * 100).toFixed(1)} % of what runs allocate)`,
  )
  console.log(
    `  young-generation GC: ${s.count} collections, ${((s.pauseMs / RUNS) * 1000).toFixed(0)} ms of pauses per 1,000 runs`,
  )
}

if (process.argv.includes(CHILD_FLAG)) await runChild()
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchRunMemory()
