/**
 * What this machine charges for waking an idle core: a bare node:http server
 * (bench/wake-cost-server.ts, pinned to CPU 0) takes the live benchmark's Segment events
 * from its load process (CPU 1), flat out and then evenly paced at falling rates, and its CPU
 * per request is printed for each. The work per request is the same; only the idle time
 * between requests grows. Read next to `npm run bench -- live`: its evenly paced phase, at
 * half the flat-out rate, costs the server about twice the CPU per run of the flat-out
 * phase, and this shows how much of that any Node server pays here.
 *
 * `npm run bench -- "wake cost"`; BENCH_SECONDS (default 4 here) per rate.
 */
import { fileURLToPath } from 'node:url'
import { type Load, startLoad } from './live'
import { type Child, canPin, freePort, spawnNode, stopChild, treeCpuMs, waitHealthy } from './live-procs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4)
const CONNECTIONS = 10
// Requests per second of the paced phases: from the live bench's paced rate down to a trickle.
const RATES = [2000, 500, 100]

/** Server CPU µs per answered request while `load` runs. */
async function cpuPerRequest(server: Child, load: Load, url: string, rate?: number) {
  const cpu0 = treeCpuMs(server.pid)
  const r = await load.run({
    url,
    seconds: SECONDS,
    connections: CONNECTIONS,
    phase: 'wake',
    rate,
    even: !!rate,
  })
  const cpuMs = treeCpuMs(server.pid) - cpu0
  return { perSecond: r.accepted / r.seconds, us: (cpuMs * 1000) / Math.max(1, r.accepted) }
}

export async function benchWakeCost(): Promise<void> {
  let server: Child | undefined
  let load: Load | undefined
  try {
    const port = await freePort()
    server = spawnNode('bench/wake-cost-server.ts', {
      cwd: ROOT,
      cpu: 0,
      env: { ...process.env, PORT: String(port) },
    })
    const base = `http://127.0.0.1:${port}`
    await waitHealthy(base, server)
    load = await startLoad()
    const url = `${base}/event`
    console.log(
      `  a bare node:http server taking Segment events (${canPin ? 'pinned to CPU 0, load on CPU 1' : 'not pinned'}), ` +
        `${SECONDS} s per rate:`,
    )
    await load.run({ url, seconds: 2, connections: CONNECTIONS, phase: 'wake-warmup' })
    const flat = await cpuPerRequest(server, load, url)
    console.log(
      `    flat out (${CONNECTIONS} connections): ${flat.perSecond.toFixed(0)} requests/s, ${flat.us.toFixed(0)} µs CPU per request`,
    )
    for (const rate of RATES) {
      const paced = await cpuPerRequest(server, load, url, rate)
      console.log(
        `    evenly paced, ${rate}/s (${(1000 / rate).toFixed(1)} ms apart): ${paced.us.toFixed(0)} µs CPU per request ` +
          `(${(paced.us / flat.us).toFixed(1)}× flat out)`,
      )
    }
  } finally {
    await stopChild(server)
    await stopChild(load?.child)
  }
}
