import type { CancelSignal } from '../../run/cancellation'
/**
 * How HTTP-speaking steps retry transient failures: connection errors, 429 and 5xx. The
 * defaults suit live delivery; tests and benchmarks shorten them through the `http` run option.
 */
export interface HttpPolicy {
  /** Extra attempts after the first for one call. */
  retries: number
  /** First backoff; it doubles per attempt, with jitter, up to maxBackoffMs. */
  backoffMs: number
  maxBackoffMs: number
  /** The longest `Retry-After` a step waits; a server asking for more makes the step fail now. */
  maxRetryAfterMs: number
  /** First pause of a node-level retry (`onError: "retry"`); doubles per attempt, capped at maxBackoffMs. */
  nodeRetryDelayMs: number
}

export const DEFAULT_HTTP_POLICY: HttpPolicy = {
  retries: 3,
  backoffMs: 300,
  maxBackoffMs: 5_000,
  maxRetryAfterMs: 20_000,
  nodeRetryDelayMs: 500,
}

// Errors that mean "try again": the peer went away or could not be reached for now. A
// refusal by the outbound guard, a bad URL or DNS saying "no such host" will not improve.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
])

export function isTransientError(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null
  const code = e?.code ?? e?.cause?.code
  return typeof code === 'string' && TRANSIENT_CODES.has(code)
}

/** 429 and 5xx, except 501 (not implemented) and 505, which no retry will change. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505)
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retrying clients spread out. */
export function backoffDelay(policy: HttpPolicy, attempt: number, base = policy.backoffMs): number {
  const ceiling = Math.min(policy.maxBackoffMs, base * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2))
}

/** A pause that ends early (rejecting) when the run is cancelled. */
export function pause(ms: number, signal: CancelSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('cancelled'))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new Error('cancelled'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
