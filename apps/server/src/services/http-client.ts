import type { IncomingHttpHeaders } from 'node:http'
import { Agent, buildConnector } from 'undici'
import type { CancelSignal, RunDeps } from './engine'
import { createOutboundGuard, DEMO_PATH, type OutboundGuard } from './outbound-guard'
import type { FencedInit } from './secret-fence'

type FetchLike = NonNullable<RunDeps['fetch']>
/** fetch's options plus the run's secret fence (secret-fence.ts), checked on every hop. */
type Init = Parameters<FetchLike>[1] & FencedInit

export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024
const MAX_REDIRECTS = 5
// Headers that identify the caller; never forwarded to another origin on a redirect.
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie']
// undici names a connection the server closed under a request its own way; the engine's retry
// policy knows the socket error codes (http-policy.ts), so it gets those.
const SOCKET_CODES: Record<string, string> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
}

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

const tooLarge = (size: number) =>
  new Error(`response of ${size}+ bytes is larger than ${MAX_RESPONSE_BYTES} bytes`)
// Named like AbortSignal.timeout()'s error: the engine reports it as the step's time limit.
const timedOut = (ms: number) =>
  Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError', code: 'FLOWLINE_TIMEOUT' })
const aborted = () => Object.assign(new Error('This operation was aborted'), { name: 'AbortError' })

/** A run's signal is the engine's Cancellation, whose listeners cost an array push. */
function whenAborted(signal: CancelSignal, onAbort: () => void): () => void {
  signal.addEventListener('abort', onAbort, { once: true })
  return () => signal.removeEventListener('abort', onAbort)
}

export interface HttpClientOptions {
  /** Where requests may go; default: the public internet only. */
  guard?: OutboundGuard
  maxSockets?: number
}

export type HttpClient = ((url: string, init: Init) => ReturnType<FetchLike>) & {
  /** It keeps `timeoutMs` itself and stops on `signal` without a listener per call (FetchLike). */
  readonly enforcesTimeout: true
  close(): void
  readonly guard: OutboundGuard
}

/**
 * A connection pool whose every new socket goes through the outbound guard's lookup (checked
 * on the address connected to). Sockets are pooled per origin, so the guard judges an origin,
 * not a path: only the self-demo pool judges as `/api/demo/` and may reach this server.
 */
function guardedPool(guard: OutboundGuard, path: string, maxSockets: number): Agent {
  const connectors = new Map<string, buildConnector.connector>()
  return new Agent({
    connections: maxSockets,
    connect: (opts, callback) => {
      const origin = `${opts.protocol}//${opts.host ?? opts.hostname}`
      let connector = connectors.get(origin)
      if (!connector) {
        const target = new URL(`${origin}${path}`)
        connector = buildConnector({ lookup: guard.lookupFor(target) } as buildConnector.BuildOptions)
        connectors.set(origin, connector)
      }
      connector(opts, callback)
    },
  })
}

/**
 * The one HTTP client of runs (HTTP and Braze steps) and connection tests: the engine's
 * injectable FetchLike on undici's pooled keep-alive connections (about half of node:http's
 * CPU per call, a quarter of global fetch's), behind the outbound guard (every hop, checked
 * on the address connected to), following redirects like fetch (credentials dropped when a
 * redirect leaves the origin) and refusing bodies over 5 MiB. With a `fence`, a request
 * carrying a connection secret anywhere but the origin it was saved for is refused. It keeps
 * the caller's `timeoutMs` over all hops and stops on `signal`, itself (`enforcesTimeout`);
 * retries are the caller's (the engine retries transient failures).
 */
export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const guard = opts.guard ?? createOutboundGuard()
  const sockets = opts.maxSockets ?? 128
  // Self-demo calls get their own pool: a socket opened under the demo exemption must never be
  // reused for another path on the same host:port (pools are keyed by origin, not path).
  const newPools = () => ({
    main: guardedPool(guard, '/', sockets),
    self: guardedPool(guard, DEMO_PATH, sockets),
  })
  let pools = newPools()

  /**
   * One hop. `cancelled` is handed the hop's stop: the deadline or the run's cancellation
   * ends it at once, even while it still waits for a socket.
   */
  function once(url: URL, init: Init, cancelled: (stop: (reason: Error) => void) => void): Promise<Answer> {
    guard.checkUrl(url)
    // Every hop: a redirect keeps credentials within their origin, and no secret leaves for another.
    init.fence?.checkHttp(url, init.headers)
    const pool = guard.isSelfDemo(url) ? pools.self : pools.main
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      let answer: Omit<Answer, 'body'> | null = null
      let stopped: Error | null = null
      let abortRequest: ((reason: Error) => void) | null = null
      cancelled((reason) => {
        stopped = reason
        abortRequest?.(reason)
        reject(reason)
      })
      // The low-level handler: no body stream or async iterator per call (a third of its cost).
      pool.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: init.method as 'GET',
          headers: init.headers,
          body: init.body,
        },
        {
          onRequestStart(controller) {
            abortRequest = (reason) => controller.abort(reason)
            if (stopped) controller.abort(stopped)
          },
          onResponseStart(controller, status, headers) {
            const declared = Number(headers['content-length'])
            if (declared > MAX_RESPONSE_BYTES) return controller.abort(tooLarge(declared))
            answer = { status, headers }
          },
          onResponseData(controller, chunk) {
            size += chunk.length
            if (size > MAX_RESPONSE_BYTES) return controller.abort(tooLarge(size))
            chunks.push(chunk)
          },
          onResponseEnd() {
            resolve({
              status: answer!.status,
              headers: answer!.headers,
              body: Buffer.concat(chunks, size).toString('utf8'),
            })
          },
          onResponseError(_controller, err) {
            reject(withSocketCode(err))
          },
        },
      )
    })
  }

  async function fetchLike(input: string, init: Init) {
    let url = new URL(input)
    let current = init
    const { signal, timeoutMs } = init
    if (signal?.aborted) throw aborted()
    // One deadline for all hops; the hop in flight is the one to stop.
    let stopHop: ((reason: Error) => void) | null = null
    let stoppedBy: Error | null = null
    const stop = (reason: Error) => {
      stoppedBy ??= reason
      stopHop?.(reason)
    }
    const cancelled = (hopStop: (reason: Error) => void) => {
      stopHop = hopStop
      if (stoppedBy) hopStop(stoppedBy)
    }
    const timer = timeoutMs === undefined ? null : setTimeout(() => stop(timedOut(timeoutMs)), timeoutMs)
    const unwatch = signal ? whenAborted(signal, () => stop(aborted())) : null
    try {
      for (let hop = 0; ; hop++) {
        const res = await once(url, current, cancelled)
        const location = res.headers.location
        if (res.status >= 300 && res.status < 400 && typeof location === 'string' && hop < MAX_REDIRECTS) {
          const next = new URL(location, url)
          if (next.origin !== url.origin) current = { ...current, headers: withoutCredentials(current) }
          url = next
          // As fetch does: 303, and 301/302 after POST, continue as a GET without a body.
          if (
            res.status === 303 ||
            ((res.status === 301 || res.status === 302) && current.method === 'POST')
          ) {
            const headers = Object.fromEntries(
              Object.entries(current.headers).filter(([k]) => k.toLowerCase() !== 'content-type'),
            )
            current = { ...current, method: 'GET', headers, body: undefined }
          }
          continue
        }
        return {
          status: res.status,
          headers: {
            forEach(cb: (value: string, key: string) => void) {
              for (const [key, value] of Object.entries(res.headers)) {
                if (value !== undefined) cb(Array.isArray(value) ? value.join(', ') : value, key)
              }
            },
          },
          text: async () => res.body,
        }
      }
    } finally {
      if (timer) clearTimeout(timer)
      unwatch?.()
    }
  }

  return Object.assign(fetchLike, {
    guard,
    enforcesTimeout: true as const,
    // Drops every socket; the client stays usable (as a node:http agent would).
    close() {
      for (const pool of Object.values(pools)) void pool.destroy()
      pools = newPools()
    },
  })
}

function withSocketCode(err: unknown): unknown {
  const e = err as { code?: string } | null
  const code = e?.code ? SOCKET_CODES[e.code] : undefined
  if (!code) return err
  return Object.assign(new Error((err as Error).message, { cause: err }), { code })
}

function withoutCredentials(init: Init): Record<string, string> {
  const drop = new Set([...CREDENTIAL_HEADERS, ...(init.sensitiveHeaders ?? []).map((h) => h.toLowerCase())])
  return Object.fromEntries(Object.entries(init.headers).filter(([k]) => !drop.has(k.toLowerCase())))
}
