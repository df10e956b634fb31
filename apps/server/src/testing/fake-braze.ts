import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Workflow } from '../services/engine'

/**
 * A loopback stand-in for Braze's REST API, so production (live) runs of the template can
 * succeed in tests and benchmarks: answers every POST like Braze does and counts calls.
 */
export async function startFakeBraze() {
  let calls = 0
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      calls++
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: 'success', dispatch_id: `fake-${calls}` }))
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The model with every Braze node pointed at `url` with a dummy API key. */
export function withBraze(model: Workflow, url: string): Workflow {
  return {
    ...model,
    nodes: model.nodes.map((n) =>
      n.type?.startsWith('braze-')
        ? { ...n, config: { ...(n.config as object), restEndpoint: url, apiKey: 'test-key' } }
        : n,
    ),
  }
}
