import { Agent, request } from 'node:http'
import type { FlowlineServer } from '../apps/server/src/server'

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/**
 * Closed loop on `connections` keep-alive connections: each posts a webhook, waits until its
 * run is finished and persisted (the trace bus closes a run's channel only after its row is
 * updated), then posts the next. Latency is client-side, webhook POST → persisted finish.
 */
export async function liveEndToEnd(
  app: FlowlineServer,
  hook: string,
  connections: number,
  seconds: number,
  nextEvent: (n: number) => string,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const post = (body: string) =>
    new Promise<string>((resolve, reject) => {
      const req = request(
        hook,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            res.statusCode === 202
              ? resolve((JSON.parse(Buffer.concat(chunks).toString()) as { runId: string }).runId)
              : reject(new Error(`webhook answered ${res.statusCode}`)),
          )
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  const latencies: number[] = []
  const runIds: string[] = []
  let n = 0
  const t0 = performance.now()
  const deadline = t0 + seconds * 1000
  async function worker() {
    while (performance.now() < deadline) {
      const started = performance.now()
      const runId = await post(nextEvent(n++))
      const live = app.services.bus.subscribe(runId, 0)
      if (live) for await (const _ of live) void _
      latencies.push(performance.now() - started)
      runIds.push(runId)
    }
  }
  await Promise.all(Array.from({ length: connections }, worker))
  const elapsedS = (performance.now() - t0) / 1000
  agent.destroy()
  const statuses = await app.db.selectFrom('runs').select('status').where('id', 'in', runIds).execute()
  const sorted = latencies.sort((a, b) => a - b)
  return {
    completed: runIds.length,
    succeeded: statuses.filter((r) => r.status === 'succeeded').length,
    seconds: elapsedS,
    perSecond: runIds.length / elapsedS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  }
}
