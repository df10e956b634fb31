import type { CancelSignal } from '../../run/cancellation'
import { maskEvery, replaceSecret } from '../../run/secrets'
import type { RecordedRequest } from '../../run/trace'
import type { ExecuteContext } from '../types'
import { backoffDelay, isRetryableStatus, isTransientError, parseRetryAfter, pause } from './http-policy'

/** The output of every HTTP-speaking node, and the shape of its mocks (DESIGN §4, contract). */
export interface HttpResult {
  status: number
  headers: Record<string, string>
  body: unknown
}

export interface HttpCall {
  method: string
  url: string
  headers: Record<string, string>
  /** Serialized as JSON when present. */
  body?: unknown
}

export const MASK = '••••'

// Header and query names whose values are credentials; recorded requests must never hold them.
const SECRET_NAME = /authorization|cookie|api[-_]?key|token|secret|password|passwd|signature|credential/i
// Responses bigger than this (5 MiB) are refused rather than buffered into the run state.
const MAX_RESPONSE_CHARS = 5 * 1024 * 1024

function maskValue(name: string, value: string): string {
  if (!SECRET_NAME.test(name)) return value
  const scheme = /^(Bearer|Basic|Token)\s+/i.exec(value)
  return scheme ? `${scheme[1]} ${MASK}` : MASK
}

function maskUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq < 0) return pair
      let name = pair.slice(0, eq)
      try {
        name = decodeURIComponent(name)
      } catch {
        // keep the raw name: it is only used to decide whether to mask
      }
      return SECRET_NAME.test(name) ? `${pair.slice(0, eq)}=${MASK}` : pair
    })
    .join('&')
  return `${url.slice(0, q)}?${query}`
}

/**
 * The request as it would go on the wire, minus credentials: headers with credential-like
 * names and the `sensitive` ones (a connection's own auth header, whatever it is called) are
 * masked whole, and known secret values wherever else they appear.
 */
export function recordRequest(
  call: HttpCall,
  secrets: readonly string[] = [],
  sensitive: readonly string[] = [],
): RecordedRequest {
  const headers: Record<string, string> = {}
  const masked = new Set(sensitive.map((h) => h.toLowerCase()))
  for (const [name, value] of Object.entries(call.headers))
    headers[name] = masked.has(name.toLowerCase())
      ? maskValue('authorization', value)
      : scrub(maskValue(name, value), secrets)
  const url = scrub(maskUrl(call.url), secrets)
  const recorded: RecordedRequest = { method: call.method, url, headers }
  if (call.body !== undefined) recorded.body = call.body
  return recorded
}

function describeFetchError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } }
  const cause = e?.cause?.code ?? e?.cause?.message
  return cause ? `${e.message} (${cause})` : (e?.message ?? String(err))
}

/**
 * Replaces every occurrence of a secret value (connection keys) in text meant for traces,
 * whatever its length (DESIGN §6): a three-letter key is still a key (where it stands alone:
 * see replaceSecret). Longest first, so a secret containing another is replaced whole.
 */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text
  const list = secrets.length > 1 ? [...secrets].sort((a, b) => b.length - a.length) : secrets
  for (const s of list) out = replaceSecret(out, s, MASK)
  return out
}

/**
 * A response with a secret echoed back (some error pages do): masked after parsing, in
 * strings and keys only, so a short secret never breaks the JSON around it (a key "1" must
 * not turn `{"count":1}` into text). Should the value be too deep to walk, its text is kept, masked.
 */
function maskResponse(text: string, parsed: unknown, secrets: readonly string[]): unknown {
  const leaked = secrets.filter((s) => s !== '' && text.includes(s))
  if (leaked.length === 0) return parsed
  if (typeof parsed === 'string') return scrub(parsed, leaked)
  try {
    return maskEvery(
      parsed,
      leaked.map((value) => ({ value, shown: MASK })),
    )
  } catch {
    return scrub(text, leaked)
  }
}

export interface SendOptions {
  /** Per attempt: a call that takes longer fails the step (it is not retried). */
  timeoutMs: number
  /** Secret values that must not appear in error messages. */
  secrets?: readonly string[]
  /** Headers holding credentials, dropped on a cross-origin redirect. */
  sensitiveHeaders?: string[]
}

export interface Sent {
  result: HttpResult
  /** 1 unless transient failures were retried. */
  attempts: number
  /** Why the retries stopped early (a Retry-After beyond the step's patience). */
  note?: string
}

class AttemptError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message)
  }
}

const cancelled = (what: string) => `${what} was cancelled: the run hit its time limit`

/**
 * The time limit and the run's cancellation of one attempt, for a client that does not keep
 * time itself: a controller of its own, aborted by a timer or by the run's signal.
 */
function attemptLimit(runSignal: CancelSignal | undefined, timeoutMs: number) {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const onRunAbort = () => controller.abort()
  runSignal?.addEventListener('abort', onRunAbort, { once: true })
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      clearTimeout(timer)
      runSignal?.removeEventListener('abort', onRunAbort)
    },
  }
}

async function attemptOnce(
  ctx: ExecuteContext,
  call: HttpCall,
  init: { headers: Record<string, string>; body: string | undefined; sensitiveHeaders?: string[] },
  timeoutMs: number,
  what: string,
  secrets: readonly string[],
): Promise<HttpResult> {
  // A client keeping time itself gets the run's signal and the limit as they are.
  const limit = ctx.fetch.enforcesTimeout ? null : attemptLimit(ctx.signal, timeoutMs)
  try {
    const res = await ctx.fetch(call.url, {
      method: call.method,
      ...init,
      ...(limit ? { signal: limit.signal } : { signal: ctx.signal, timeoutMs }),
    })
    const resHeaders: Record<string, string> = {}
    res.headers.forEach((value, key) => {
      resHeaders[key.toLowerCase()] = scrub(value, secrets)
    })
    const declared = Number(resHeaders['content-length'])
    if (declared > MAX_RESPONSE_CHARS)
      throw new AttemptError(`${what}: response of ${declared} bytes is too large`, false)
    const text = await res.text()
    if (text.length > MAX_RESPONSE_CHARS) throw new AttemptError(`${what}: response is too large`, false)
    let parsed: unknown = text
    if (/\bjson\b/i.test(resHeaders['content-type'] ?? '') && text !== '') {
      try {
        parsed = JSON.parse(text)
      } catch {
        // a server that mislabels its body still gets its text recorded
      }
    }
    // An API that echoes the credential back must not carry it into the output or the trace.
    return { status: res.status, headers: resHeaders, body: maskResponse(text, parsed, secrets) }
  } catch (err) {
    if (err instanceof AttemptError) throw err
    const timedOut = limit ? limit.timedOut() : (err as Error | null)?.name === 'TimeoutError'
    if (timedOut) throw new AttemptError(`${what} timed out after ${timeoutMs} ms`, false)
    if (ctx.signal?.aborted) throw new AttemptError(cancelled(what), false)
    throw new AttemptError(`${what} failed: ${describeFetchError(err)}`, isTransientError(err))
  } finally {
    limit?.dispose()
  }
}

/**
 * Send a request; the body is parsed when the response says it is JSON. Connection errors,
 * 429 and 5xx are retried with exponential backoff and jitter (`ctx.http`), honouring
 * `Retry-After`; the caller gets the last answer and decides whether its status is a failure.
 */
export async function sendRequest(ctx: ExecuteContext, call: HttpCall, opts: SendOptions): Promise<Sent> {
  const headers = { ...call.headers }
  let body: string | undefined
  if (call.body !== undefined) {
    body = JSON.stringify(call.body)
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json'
    }
  }
  const what = scrub(`${call.method} ${maskUrl(call.url)}`, opts.secrets)
  const init = {
    headers,
    body,
    ...(opts.sensitiveHeaders ? { sensitiveHeaders: opts.sensitiveHeaders } : {}),
  }
  const policy = ctx.http
  for (let attempt = 1; ; attempt++) {
    const mayRetry = attempt <= policy.retries
    let result: HttpResult
    try {
      result = await attemptOnce(ctx, call, init, opts.timeoutMs, what, opts.secrets ?? [])
    } catch (err) {
      const e = err as AttemptError
      if (!(mayRetry && e.transient)) {
        const after = attempt > 1 ? ` (after ${attempt} attempts)` : ''
        throw new Error(scrub(`${e.message}${after}`, opts.secrets))
      }
      await wait(ctx, backoffDelay(policy, attempt), what)
      continue
    }
    if (!(mayRetry && isRetryableStatus(result.status))) return { result, attempts: attempt }
    const retryAfter = parseRetryAfter(result.headers['retry-after'])
    if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) {
      const note = `the server asked to retry after ${Math.ceil(retryAfter / 1000)} s, longer than the ${Math.round(policy.maxRetryAfterMs / 1000)} s a step waits`
      return { result, attempts: attempt, note }
    }
    await wait(ctx, retryAfter ?? backoffDelay(policy, attempt), what)
  }
}

async function wait(ctx: ExecuteContext, ms: number, what: string): Promise<void> {
  try {
    await pause(ms, ctx.signal)
  } catch {
    throw new Error(cancelled(what))
  }
}

/** "answered 503", plus how hard we tried: for failure messages of HTTP-speaking steps. */
export function describeAnswer(sent: Sent): string {
  const tries = sent.attempts > 1 ? ` after ${sent.attempts} attempts` : ''
  return `answered ${sent.result.status}${tries}${sent.note ? ` (${sent.note})` : ''}`
}

/**
 * The `Idempotency-Key` of one outbound call (DESIGN §4: `runId:nodeId:visit`): the same run,
 * node and visit always get the same key, so a call repeated after a crash or a retry does not
 * double-send where the API honours the header. Steps that split their work into batches add
 * the batch number from the second batch on.
 */
export function idempotencyKey(ctx: ExecuteContext, batch = 1): string {
  const key = `${ctx.runId}:${ctx.nodeId}:${ctx.visit}`
  return batch === 1 ? key : `${key}:${batch}`
}

export const IDEMPOTENCY_HEADER = 'Idempotency-Key'

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}
