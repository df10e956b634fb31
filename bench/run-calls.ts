/**
 * CPU per outbound call of a run (`npm run bench -- "run HTTP calls"`; standalone: `node --import
 * tsx bench/run-calls.ts`): a Braze-like POST with a JSON answer, through undici alone, through
 * the run's HTTP client (outbound guard, redirects, size limit, time limit) and through the
 * engine's `sendRequest` (retries policy, masking, JSON), four calls per run sharing the run's
 * signal as Braze steps do. The stub answers from its own process (pinned to CPU 1 where
 * possible), so the figures are the calling side's alone. End-to-end figures move too much on
 * shared machines to see a few microseconds per call; this shows them.
 */
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Agent } from 'undici'
import { createHttpClient } from '../apps/server/src/services/http-client'
import { createOutboundGuard } from '../apps/server/src/services/outbound-guard'
import { sendRequest } from '../packages/engine/src/nodes/shared/http'
import { DEFAULT_HTTP_POLICY } from '../packages/engine/src/nodes/shared/http-policy'
import type { ExecuteContext } from '../packages/engine/src/nodes/types'
import { spawnNode, stopChild } from './live-procs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CALLS = Number(process.env.BENCH_CALLS ?? 20_000)
const CONCURRENCY = 10
const SECRET = 'bench-0123456789abcdef0123'
const BODY = { attributes: [{ external_id: 'user-1', email: 'user-1@example.com', first_name: 'Sam' }] }

/** The stub side: a keep-alive JSON server on 127.0.0.1 that reports its port over IPC. */
async function serveStub(): Promise<void> {
  const { createServer } = await import('node:http')
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end('{"message":"success"}')
    })
  })
  server.keepAliveTimeout = 30_000
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 })
  })
  process.on('disconnect', () => process.exit(0))
}

/** CPU microseconds per call of `call`, run CALLS times by CONCURRENCY callers, after a warm-up. */
async function perCall(call: () => Promise<unknown>, callsPerInvocation = 1): Promise<number> {
  const round = async (n: number) => {
    let started = 0
    const caller = async () => {
      while (started++ < n) await call()
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, caller))
  }
  await round(CALLS / callsPerInvocation / 4)
  const cpu0 = process.cpuUsage()
  await round(CALLS / callsPerInvocation)
  const cpu = process.cpuUsage(cpu0)
  return (cpu.user + cpu.system) / CALLS
}

export async function benchRunCalls(): Promise<void> {
  const stub = spawnNode('bench/run-calls.ts', {
    cwd: ROOT,
    cpu: 1,
    ipc: true,
    env: { ...process.env, BENCH_RUN_CALLS_STUB: '1' },
  })
  try {
    const port = await new Promise<number>((resolve, reject) => {
      stub.proc.once('message', (m: { port: number }) => resolve(m.port))
      stub.proc.once('exit', (code) => reject(new Error(`stub exited with ${code}:\n${stub.output()}`)))
    })
    const origin = `http://127.0.0.1:${port}`
    const url = `${origin}/users/track`
    const body = JSON.stringify(BODY)
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${SECRET}`,
      'idempotency-key': 'run:n15:1',
    }
    const agent = new Agent({ connections: 128 })
    const client = createHttpClient({
      guard: createOutboundGuard({ allowHosts: '127.0.0.1', selfUrl: () => 'http://127.0.0.1:1' }),
    })
    const engineRun = async () => {
      const ctx = { fetch: client, http: DEFAULT_HTTP_POLICY, signal: new AbortController().signal }
      for (let i = 0; i < 4; i++) {
        await sendRequest(
          ctx as unknown as ExecuteContext,
          {
            method: 'POST',
            url,
            headers: { Authorization: `Bearer ${SECRET}`, 'Idempotency-Key': 'run:n15:1' },
            body: BODY,
          },
          { timeoutMs: 10_000, secrets: [SECRET] },
        )
      }
    }
    const figures: [string, number][] = [
      [
        'undici alone (request, body read)',
        await perCall(async () =>
          (await agent.request({ origin, path: '/users/track', method: 'POST', headers, body })).body.text(),
        ),
      ],
      [
        'the run HTTP client',
        await perCall(async () => (await client(url, { method: 'POST', headers, body })).text()),
      ],
      ["the engine's sendRequest, 4 calls per run signal", await perCall(engineRun, 4)],
    ]
    console.log(`  ${CALLS} calls each, ${CONCURRENCY} at a time, stub in its own process`)
    for (const [label, us] of figures) console.log(`  ${label}: ${us.toFixed(1)} µs CPU per call`)
    await agent.close()
    client.close()
  } finally {
    await stopChild(stub)
  }
}

if (process.env.BENCH_RUN_CALLS_STUB) await serveStub()
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchRunCalls()
