import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StubRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** Parsed when JSON, else the raw text. */
  body: unknown
}

export interface StubAnswer {
  status?: number
  headers?: Record<string, string>
  body?: unknown
  /** Answer this much later (timeouts). */
  delayMs?: number
}

export type StubHandler = (req: StubRequest, index: number) => StubAnswer

/**
 * A real HTTP server on 127.0.0.1 standing in for an external API (Braze, a recommender):
 * records every request it receives and answers through `handler`, which tests swap to
 * script 429s, 503s or slow answers.
 */
export async function startStubServer(handler: StubHandler = () => ({ status: 200, body: {} })) {
  const requests: StubRequest[] = []
  let current = handler
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown = text
      try {
        body = text === '' ? undefined : JSON.parse(text)
      } catch {
        // keep the text
      }
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body }
      requests.push(request)
      const answer = current(request, requests.length - 1)
      const send = () => {
        if (res.destroyed) return
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers })
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body))
      }
      if (answer.delayMs) setTimeout(send, answer.delayMs)
      else send()
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    handle(next: StubHandler) {
      current = next
    },
    reset() {
      requests.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type StubServer = Awaited<ReturnType<typeof startStubServer>>
