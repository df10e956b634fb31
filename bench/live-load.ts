/**
 * The load side of bench/live.ts, in its own process (pinned to CPU 1 by the parent) so the
 * server's CPU figures and latencies are not shared with the load generator: a stub
 * recommendation API, a stub Braze REST API, and autocannon posting Segment events.
 *
 * Protocol over the IPC channel: it sends {type:'ready', recoUrl, brazeUrl}, then answers
 * each {id, cmd:'load'|'stats'} with {id, ok, data} or {id, ok:false, error}. It exits when
 * the parent disconnects or sends SIGTERM.
 */
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { segmentEvent as nextSegmentEvent } from './segment-events'

export interface LoadRequest {
  url: string
  seconds: number
  connections: number
  /** Tag in every messageId, so the parent can tell phases apart in runs.list. */
  phase: string
  /** Requests per second over all connections; flat out when absent. */
  rate?: number
  /**
   * Spread `rate` evenly over each second (own pacer on `connections` keep-alive sockets)
   * instead of autocannon, whose rate limit sends each second's quota as one burst.
   */
  even?: boolean
}

export interface LoadResult {
  accepted: number
  non2xx: number
  errors: number
  seconds: number
  statusCodes: Record<string, number>
  /** This process's CPU during the load, to show whether the load side kept up. */
  loadCpuMs: number
  /**
   * The longest this process's event loop was held up (ms): its stubs answer every run's
   * calls, so a stall here delays every run in flight, whatever the server does.
   */
  loadStallMs: number
}

export interface StubStats {
  reco: number
  braze: number
}

interface AutocannonResult {
  duration: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodeStats?: Record<string, { count: number }>
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const segmentEvent = (phase: string) => nextSegmentEvent('live', phase)

type Handler = (req: IncomingMessage) => { status: number; body: unknown }

// BENCH_STUB_LATENCY_MS: every stub answer waits this long, as a real API's would (default 0).
const STUB_LATENCY_MS = Number(process.env.BENCH_STUB_LATENCY_MS ?? 0)

/** A keep-alive JSON stub on 127.0.0.1; it only counts requests (no per-request memory). */
async function stub(handler: Handler) {
  let calls = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    req.on('end', () => {
      calls++
      const { status, body } = handler(req)
      const answer = () => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (STUB_LATENCY_MS > 0) setTimeout(answer, STUB_LATENCY_MS)
      else answer()
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, calls: () => calls, server }
}

// Both sides of n10's 0.7 threshold, so personalized and default content both run.
let recoCount = 0
const reco = await stub(() => {
  const confidence = recoCount++ % 2 === 0 ? 0.83 : 0.42
  return {
    status: 200,
    body: {
      confidence,
      recommendations: [
        { id: 'sku-run-01', title: 'Trail shoe', score: 0.91 },
        { id: 'sku-run-02', title: 'Tempo singlet', score: 0.64 },
      ],
    },
  }
})
const BRAZE_PATHS = new Set(['/users/track', '/campaigns/trigger/send', '/messages/send'])
const braze = await stub((req) =>
  req.method === 'POST' && BRAZE_PATHS.has((req.url ?? '').split('?')[0])
    ? { status: 201, body: { message: 'success' } }
    : { status: 404, body: { message: 'unknown endpoint' } },
)

// Paced phases to the same URL share their keep-alive sockets, as a steady sender would: a
// phase after the uncounted lead-in starts on warm connections instead of opening new ones.
const agents = new Map<string, Agent>()
const agentFor = (req: LoadRequest) => {
  const key = `${req.connections} ${req.url}`
  const known = agents.get(key)
  if (known) return known
  const agent = new Agent({ keepAlive: true, maxSockets: req.connections })
  agents.set(key, agent)
  return agent
}

/** Posts at `rate`/s, one request every 1/rate s, queueing on the agent when all sockets are busy. */
async function paced(req: LoadRequest & { rate: number }): Promise<Omit<LoadResult, 'loadStallMs'>> {
  const cpu0 = process.cpuUsage()
  const agent = agentFor(req)
  const statusCodes: Record<string, number> = {}
  let errors = 0
  const post = () =>
    new Promise<void>((resolve) => {
      const r = request(
        req.url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume()
          res.on('end', () => {
            statusCodes[res.statusCode!] = (statusCodes[res.statusCode!] ?? 0) + 1
            resolve()
          })
        },
      )
      r.on('error', () => {
        errors++
        resolve()
      })
      r.end(segmentEvent(req.phase))
    })
  const sent: Promise<void>[] = []
  const t0 = performance.now()
  const total = Math.round(req.rate * req.seconds)
  while (sent.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * req.rate) + 1)
    while (sent.length < due) sent.push(post())
    await new Promise((r) => setTimeout(r, 1))
  }
  await Promise.all(sent)
  const cpu = process.cpuUsage(cpu0)
  const accepted = statusCodes['202'] ?? 0
  return {
    accepted,
    non2xx: Object.entries(statusCodes).reduce((n, [code, c]) => n + (code.startsWith('2') ? 0 : c), 0),
    errors,
    seconds: (performance.now() - t0) / 1000,
    statusCodes,
    loadCpuMs: (cpu.user + cpu.system) / 1000,
  }
}

async function load(req: LoadRequest): Promise<LoadResult> {
  const delay = monitorEventLoopDelay({ resolution: 5 })
  delay.enable()
  const result = await generate(req)
  delay.disable()
  return { ...result, loadStallMs: delay.max / 1e6 }
}

async function generate(req: LoadRequest): Promise<Omit<LoadResult, 'loadStallMs'>> {
  if (req.even && req.rate) return paced({ ...req, rate: req.rate })
  const cpu0 = process.cpuUsage()
  const result = await autocannon({
    url: req.url,
    connections: req.connections,
    duration: req.seconds,
    ...(req.rate ? { overallRate: req.rate } : {}),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (r: Record<string, unknown>) => ({ ...r, body: segmentEvent(req.phase) }) }],
  })
  const cpu = process.cpuUsage(cpu0)
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
  )
  return {
    accepted: statusCodes['202'] ?? 0,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    statusCodes,
    loadCpuMs: (cpu.user + cpu.system) / 1000,
  }
}

function shutdown() {
  reco.server.closeAllConnections()
  braze.server.closeAllConnections()
  reco.server.close()
  braze.server.close()
  process.exit(0)
}

type Message = { id: number; cmd: 'load'; req: LoadRequest } | { id: number; cmd: 'stats' }

process.on('message', (msg: Message) => {
  const work: Promise<unknown> =
    msg.cmd === 'load' ? load(msg.req) : Promise.resolve({ reco: reco.calls(), braze: braze.calls() })
  work.then(
    (data) => process.send?.({ id: msg.id, ok: true, data }),
    (err: Error) => process.send?.({ id: msg.id, ok: false, error: err.message }),
  )
})
process.on('disconnect', shutdown)
process.on('SIGTERM', shutdown)
process.send?.({ type: 'ready', recoUrl: reco.url, brazeUrl: braze.url })
