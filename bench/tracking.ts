/**
 * Segment HTTP Tracking API intake (issue 21): the server as its own process pinned to one
 * core (CPU 0), the load from this process on another; 10 connections post `/v1/batch` with
 * 100 distinct track messages each, flat out, for BENCH_SECONDS. A message counts when its
 * batch was answered 200: by then its run is committed. Two figures: a source nobody
 * subscribed to (intake alone) and one a published workflow subscribes to (a run per
 * message, executing on the same core meanwhile; the backlog bound is raised so intake is
 * never refused). Standalone: `node --import tsx bench/tracking.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Api } from './live-api'
import { type Child, canPin, freePort, spawnNode, stopChild, treeCpuMs, waitHealthy } from './live-procs'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = 10
const BATCH = 100
const ADMIN = { email: 'bench@flowline.test', password: 'bench-password-1' }

const echoFlow = {
  title: 'Intake bench',
  description: '',
  groups: [],
  nodes: [
    { id: 's', group: null, shape: 'circle', label: 'Event', type: 'start', config: {} },
    { id: 'e', group: null, shape: 'circle', label: 'Done', type: 'end' },
  ],
  edges: [{ id: 's-e', source: 's', sourceHandle: 'right', target: 'e', targetHandle: 'left' }],
}

async function flood(url: string, writeKey: string, phase: string) {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`
  const deadline = performance.now() + SECONDS * 1000
  let accepted = 0
  let refused = 0
  let n = 0
  const latencies: number[] = []
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      while (performance.now() < deadline) {
        const batch = Array.from({ length: BATCH }, () => {
          const i = n++
          return {
            type: 'track',
            event: 'Order Completed',
            userId: `user-${i % 5000}`,
            messageId: `${phase}-${c}-${i}`,
            properties: { orderId: `o-${i}`, total: 42.5, currency: 'EUR' },
            context: { traits: { email: 'someone@example.com' } },
          }
        })
        const began = performance.now()
        const res = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ batch }),
        })
        await res.arrayBuffer()
        latencies.push(performance.now() - began)
        if (res.status === 200) accepted += BATCH
        else refused += BATCH
      }
    }),
  )
  latencies.sort((a, b) => a - b)
  return { accepted, refused, p50: latencies[Math.floor(latencies.length / 2)] ?? 0 }
}

export async function benchTracking(): Promise<void> {
  const root = resolve(import.meta.dirname, '..')
  const dataDir = mkdtempSync(join(tmpdir(), 'flowline-bench-intake-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let server: Child | undefined
  try {
    server = spawnNode('apps/server/src/main.ts', {
      cwd: root,
      cpu: 0,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        FLOWLINE_DATA_DIR: dataDir,
        FLOWLINE_ADMIN_EMAIL: ADMIN.email,
        FLOWLINE_ADMIN_PASSWORD: ADMIN.password,
        FLOWLINE_MAX_BACKLOG: '10000000',
        DATABASE_URL: '',
        REDIS_URL: '',
        LOG_LEVEL: 'warn',
      },
    })
    await waitHealthy(url, server)
    const api = new Api(url)
    await api.login(ADMIN.email, ADMIN.password)
    const idle = await api.mutate<{ writeKey: string }>('sources.create', { name: 'Nobody listens' })
    const busy = await api.mutate<{ id: string; writeKey: string }>('sources.create', { name: 'Subscribed' })
    const wf = await api.mutate<{ id: string }>('workflows.create', { model: echoFlow })
    await api.mutate('workflows.publish', { id: wf.id, version: 1 })
    await api.mutate('sources.subscribe', { sourceId: busy.id, workflowId: wf.id })
    console.log(
      `  server pinned to CPU 0: ${canPin ? 'yes' : 'no (taskset or a second CPU missing)'}; ${CONNECTIONS} connections × ${BATCH} messages a batch, ${SECONDS} s each`,
    )
    for (const [label, key] of [
      ['intake alone (no subscribed workflow)', idle.writeKey],
      ['a subscribed workflow (one run per message)', busy.writeKey],
    ] as const) {
      const cpu0 = treeCpuMs(server.pid)
      const began = performance.now()
      const r = await flood(url, key, label.slice(0, 6))
      const seconds = (performance.now() - began) / 1000
      const cpu = treeCpuMs(server.pid) - cpu0
      console.log(
        `  ${label}: ${Math.round(r.accepted / seconds).toLocaleString('en')} messages/s accepted (target ≥ 5,000), ${((cpu / Math.max(1, r.accepted)) * 1000).toFixed(0)} µs server CPU per message, batch answered in ${r.p50.toFixed(1)} ms (p50)${r.refused ? `, ${r.refused} refused` : ''}`,
      )
    }
  } finally {
    await stopChild(server)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchTracking()
