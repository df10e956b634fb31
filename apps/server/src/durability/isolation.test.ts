import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workflow } from '../services/engine'
import {
  type ChildServer,
  createChildServer,
  deliver,
  pollUntil,
  publishTemplate,
  showOutputOnFailure,
  signIn,
} from '../testing/child-server'
import { segmentEvent, trpcHttp } from '../testing/http-client'
import { type StubServer, startStubServer } from '../testing/stub-server'

/**
 * DESIGN §4 isolation (issue 12): a catastrophic regular expression in a test run is stopped
 * at its step's time limit although it never yields; meanwhile /healthz stays fast and live
 * runs of the published template all succeed.
 */
const REDOS = '$contains("aaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a|a)*$/)'
const LIVE_RUNS = 50
const FINAL = ['succeeded', 'failed', 'cancelled', 'interrupted']

interface RunView {
  run: { status: string; error: string | null }
}

const redosModel: Workflow = {
  title: 'Catastrophic backtracking',
  description: '',
  groups: [],
  nodes: [
    { id: 'n1', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
    {
      id: 'n2',
      group: null,
      shape: 'rectangle',
      label: 'Match',
      type: 'transform',
      config: { vars: { x: REDOS } },
    },
    { id: 'n3', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'n1', sourceHandle: 'right', target: 'n2', targetHandle: 'left' },
    { id: 'e2', source: 'n2', sourceHandle: 'right', target: 'n3', targetHandle: 'left' },
  ],
} as Workflow

/**
 * GET /healthz every ~10 ms from a worker thread on its own keep-alive socket, so neither this
 * thread (serving the stubs, polling runs) nor its other requests delay the measurement: the
 * latency of every answer, and of every request that got none.
 */
const HEALTH_POLLER = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
const latencies = []
const failures = []
const slow = []
let clientLag = 0
let running = true
parentPort.on('message', () => { running = false })
const once = () => new Promise((resolve) => {
  const t0 = performance.now()
  const sentAt = Date.now()
  const done = () => {
    const ms = performance.now() - t0
    latencies.push(ms)
    if (ms >= 50) slow.push([sentAt, ms])
  }
  const req = http.get(workerData.url + '/healthz', { agent, timeout: 30000 }, (res) => {
    res.resume()
    res.on('end', () => {
      done()
      if (res.statusCode !== 200) failures.push('status ' + res.statusCode)
      resolve()
    })
  })
  req.on('timeout', () => req.destroy(new Error('no answer within 30 s')))
  req.on('error', (err) => {
    done()
    failures.push(String(err))
    resolve()
  })
})
;(async () => {
  for (let i = 0; i < 5; i++) await once()
  latencies.length = 0
  failures.length = 0
  slow.length = 0
  parentPort.postMessage('ready')
  while (running) {
    const started = performance.now()
    await once()
    const pause = Math.max(0, 10 - (performance.now() - started))
    const pausedAt = performance.now()
    await new Promise((r) => setTimeout(r, pause))
    clientLag = Math.max(clientLag, performance.now() - pausedAt - pause)
  }
  agent.destroy()
  parentPort.postMessage({ latencies, failures, slow, clientLag })
})()
`

interface Health {
  latencies: number[]
  failures: string[]
  /** [when it was sent (epoch ms), how long it took] of every answer that took 50 ms or more. */
  slow: [number, number][]
  /** The poller's own worst timer delay: large values mean this machine, not the server, was stalled. */
  clientLag: number
}

async function pollHealth(url: string) {
  const worker = new Worker(HEALTH_POLLER, { eval: true, workerData: { url } })
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
  await next()
  return {
    async stop(): Promise<Health> {
      const result = next()
      worker.postMessage('stop')
      const measured = (await result) as Health
      await worker.terminate()
      return measured
    },
  }
}

describe('a step that never yields (sqlite)', () => {
  let server: ChildServer
  let braze: StubServer
  let reco: StubServer
  let workflowId: string
  let cookie: string

  beforeAll(async () => {
    braze = await startStubServer(() => ({ status: 201, body: { message: 'success' } }))
    reco = await startStubServer(() => ({
      body: { confidence: 0.91, recommendations: [{ id: 'sku-1', title: 'Trail shoe', score: 0.91 }] },
    }))
    server = await createChildServer({ dialect: 'sqlite' })
    await server.start()
    cookie = await signIn(server)
    ;({ workflowId } = await publishTemplate(server, cookie, { brazeUrl: braze.url, recoUrl: reco.url }))
  }, 120_000)

  afterAll(async () => {
    await server?.dispose()
    await braze?.close()
    await reco?.close()
  })

  const status = (runId: string) =>
    trpcHttp<RunView>(server.url, 'runs.get', { runId }, { cookie, type: 'query' }).then((v) => v.run)

  it('fails that run at its time limit while /healthz and 50 live runs carry on', async () => {
    showOutputOnFailure(server)
    const poller = await pollHealth(server.url)

    const t0 = performance.now()
    const startedAt = Date.now()
    const regexRun = trpcHttp<{ runId: string }>(
      server.url,
      'runs.start',
      { workflowId, model: redosModel, event: segmentEvent('redos-1') },
      { cookie },
    )
    const hooks = Promise.all(
      Array.from({ length: LIVE_RUNS }, (_, i) => deliver(server, workflowId, segmentEvent(`iso-${i}`))),
    )
    const { runId } = await regexRun
    const regex = await pollUntil(
      () => status(runId),
      (r) => FINAL.includes(r.status),
      30_000,
      20,
    )
    const regexMs = performance.now() - t0
    const deliveries = await hooks
    const liveIds = deliveries.map((d) => d.runId).filter((id): id is string => !!id)
    // One list call per poll: 50 run-detail reads at once would be load of the test's own.
    const listed = () =>
      trpcHttp<{ id: string; status: string }[]>(
        server.url,
        'runs.list',
        { workflowId, limit: 1000 },
        { cookie, type: 'query' },
      ).then((runs) => runs.filter((r) => liveIds.includes(r.id)))
    const live = await pollUntil(
      listed,
      (runs) => runs.length === liveIds.length && runs.every((r) => FINAL.includes(r.status)),
      60_000,
    )
    const health = await poller.stop()
    const row = (await server.db.runs()).find((r) => r.id === runId)
    const serverMs = row?.finished_at
      ? new Date(row.finished_at).getTime() - new Date(row.started_at).getTime()
      : NaN

    const sorted = [...health.latencies].sort((a, b) => a - b)
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]?.toFixed(1)
    const liveStatuses = live.value.reduce<Record<string, number>>((acc, r) => {
      acc[r.status] = (acc[r.status] ?? 0) + 1
      return acc
    }, {})
    console.log(
      [
        `isolation: the regex run ended ${regex.value.status} after ${Math.round(regexMs)} ms (server record: ${serverMs} ms): ${regex.value.error}`,
        `  /healthz: ${sorted.length} answers, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms, ` +
          `${health.failures.length} failed; poller's own worst timer lag ${Math.round(health.clientLag)} ms; at 50 ms or more: ${
            health.slow.map(([at, ms]) => `${Math.round(ms)} ms at +${at - startedAt} ms`).join(', ') ||
            'none'
          }`,
        `  live runs: ${deliveries.filter((d) => d.status === 202).length} of ${LIVE_RUNS} accepted, ended ${JSON.stringify(liveStatuses)}`,
      ].join('\n'),
    )

    expect.soft(regex.value.status).toBe('failed')
    expect.soft(regex.value.error ?? '').toMatch(/\bn2\b/)
    expect.soft(regex.value.error ?? '').toMatch(/longer than/)
    expect.soft(regexMs, 'the regex run did not fail within 2 s').toBeLessThanOrEqual(2_000)
    expect.soft(health.failures, '/healthz requests that failed').toEqual([])
    expect.soft(sorted.length).toBeGreaterThan(10)
    expect.soft(Math.max(...sorted), 'slowest /healthz answer (ms)').toBeLessThan(50)
    expect.soft(deliveries.map((d) => d.status)).toEqual(Array(LIVE_RUNS).fill(202))
    expect.soft(liveStatuses).toEqual({ succeeded: LIVE_RUNS })
  }, 120_000)
  it('judges saved test cases on a run thread too: a case that never yields is stopped, the server answers', async () => {
    const model = { ...redosModel, tests: [{ name: 'catastrophic', event: segmentEvent('redos-case') }] }
    const t0 = performance.now()
    const judged = trpcHttp(server.url, 'runs.runTests', { workflowId, model }, { cookie }).then(
      () => 'answered without an error',
      (err: Error) => err.message,
    )
    const health = await fetch(`${server.url}/healthz`)
    expect(health.status).toBe(200)
    expect(await judged).toMatch(/test case's expression took longer than 1 s/)
    expect(performance.now() - t0).toBeLessThan(5_000)
  })
})
