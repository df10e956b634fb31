/**
 * The bare server of bench/wake-cost.ts: node:http answering every POST with 202 after
 * reading and parsing its JSON body, and GET /healthz with 200. Nothing else runs in it, so
 * its CPU per request is the floor any Node server pays on this machine for one request.
 */
import { createServer } from 'node:http'

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200).end('ok')
    return
  }
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const event = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { messageId?: string }
    res.writeHead(202, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ accepted: true, messageId: event.messageId ?? null }))
  })
})
server.keepAliveTimeout = 30_000
server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => server.close(() => process.exit(0)))
