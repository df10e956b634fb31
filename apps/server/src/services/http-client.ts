import http from 'node:http'
import https from 'node:https'
import type { RunDeps } from './engine'
import { createOutboundGuard, type OutboundGuard } from './outbound-guard'
import type { FencedInit } from './secret-fence'

type FetchLike = NonNullable<RunDeps['fetch']>
/** fetch's options plus the run's secret fence (secret-fence.ts), checked on every hop. */
type Init = Parameters<FetchLike>[1] & FencedInit

export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024
const MAX_REDIRECTS = 5
// Headers that identify the caller; never forwarded to another origin on a redirect.
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie']

export interface HttpClientOptions {
  /** Where requests may go; default: the public internet only. */
  guard?: OutboundGuard
  maxSockets?: number
}

export type HttpClient = ((url: string, init: Init) => ReturnType<FetchLike>) & {
  close(): void
  readonly guard: OutboundGuard
}

/**
 * The one HTTP client of runs (HTTP and Braze steps) and connection tests: the engine's
 * injectable FetchLike on node:http with pooled keep-alive agents, behind the outbound
 * guard (every hop, checked on the address connected to), following redirects like fetch
 * (credentials dropped when a redirect leaves the origin) and refusing bodies over 5 MiB.
 * About a third of global fetch's cost per call under webhook load. With a `fence`, a request
 * carrying a connection secret anywhere but the origin it was saved for is refused. Timeouts and retries
 * are the caller's: the engine aborts through `signal` and retries transient failures.
 */
export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const guard = opts.guard ?? createOutboundGuard()
  const agent = (ctor: typeof http.Agent) => new ctor({ keepAlive: true, maxSockets: opts.maxSockets ?? 128 })
  // Self-demo calls get their own pool: a socket opened under the demo exemption must never be
  // reused for another path on the same host:port (the pool is keyed by host:port, not path).
  const pools = {
    main: { 'http:': agent(http.Agent), 'https:': agent(https.Agent) },
    self: { 'http:': agent(http.Agent), 'https:': agent(https.Agent) },
  }

  function once(url: URL, init: Init): Promise<http.IncomingMessage> {
    try {
      guard.checkUrl(url)
      // Every hop: a redirect keeps credentials within their origin, and no secret leaves for another.
      init.fence?.checkHttp(url, init.headers)
    } catch (err) {
      return Promise.reject(err)
    }
    const transport = url.protocol === 'https:' ? https : http
    const agents = guard.isSelfDemo(url) ? pools.self : pools.main
    const headers: Record<string, string | number> = { ...init.headers }
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body)
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method: init.method,
          headers,
          agent: agents[url.protocol as 'http:' | 'https:'],
          signal: init.signal,
          lookup: guard.lookupFor(url),
        },
        resolve,
      )
      req.on('error', reject)
      req.end(init.body)
    })
  }

  async function fetchLike(input: string, init: Init) {
    let url = new URL(input)
    let current = init
    for (let hop = 0; ; hop++) {
      const res = await once(url, current)
      const status = res.statusCode ?? 0
      const location = res.headers.location
      if (status >= 300 && status < 400 && location && hop < MAX_REDIRECTS) {
        res.resume()
        const next = new URL(location, url)
        if (next.origin !== url.origin) current = { ...current, headers: withoutCredentials(current) }
        url = next
        // As fetch does: 303, and 301/302 after POST, continue as a GET without a body.
        if (status === 303 || ((status === 301 || status === 302) && current.method === 'POST')) {
          const headers = Object.fromEntries(
            Object.entries(current.headers).filter(([k]) => k.toLowerCase() !== 'content-type'),
          )
          current = { ...current, method: 'GET', headers, body: undefined }
        }
        continue
      }
      const body = await readAll(res)
      return {
        status,
        headers: {
          forEach(cb: (value: string, key: string) => void) {
            for (const [key, value] of Object.entries(res.headers)) {
              if (value !== undefined) cb(Array.isArray(value) ? value.join(', ') : value, key)
            }
          },
        },
        text: async () => body,
      }
    }
  }

  return Object.assign(fetchLike, {
    guard,
    close() {
      for (const pool of Object.values(pools)) for (const a of Object.values(pool)) a.destroy()
    },
  })
}

function withoutCredentials(init: Init): Record<string, string> {
  const drop = new Set([...CREDENTIAL_HEADERS, ...(init.sensitiveHeaders ?? []).map((h) => h.toLowerCase())])
  return Object.fromEntries(Object.entries(init.headers).filter(([k]) => !drop.has(k.toLowerCase())))
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    // Reject before destroying: destroy() emits "aborted" synchronously, and the first rejection wins.
    const tooLarge = (size: number) => {
      reject(new Error(`response of ${size}+ bytes is larger than ${MAX_RESPONSE_BYTES} bytes`))
      res.destroy()
    }
    const declared = Number(res.headers['content-length'])
    if (declared > MAX_RESPONSE_BYTES) return tooLarge(declared)
    const chunks: Buffer[] = []
    let size = 0
    res.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_RESPONSE_BYTES) tooLarge(size)
      else chunks.push(chunk)
    })
    // Once rejected for size, the later "aborted" from destroy() changes nothing.
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    res.on('error', reject)
    res.on('aborted', () => reject(new Error('response aborted')))
  })
}
