import type { RecordedRequest } from '../../run/trace'
import type { ExecuteContext } from '../types'

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
// Responses bigger than this are refused rather than buffered into the run state.
const MAX_RESPONSE_CHARS = 5_000_000

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

/** The request as it would go on the wire, minus credentials (headers, query, known secret values). */
export function recordRequest(call: HttpCall, secrets: string[] = []): RecordedRequest {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(call.headers)) headers[name] = maskValue(name, value)
  let url = maskUrl(call.url)
  for (const s of secrets) {
    if (s.length < 4) continue
    url = url.split(s).join(MASK)
    for (const name of Object.keys(headers)) headers[name] = headers[name].split(s).join(MASK)
  }
  const recorded: RecordedRequest = { method: call.method, url, headers }
  if (call.body !== undefined) recorded.body = call.body
  return recorded
}

function describeFetchError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } }
  const cause = e?.cause?.code ?? e?.cause?.message
  return cause ? `${e.message} (${cause})` : (e?.message ?? String(err))
}

/** Send a request; the body is parsed when the response says it is JSON. */
export async function sendRequest(
  ctx: ExecuteContext,
  call: HttpCall,
  timeoutMs: number,
): Promise<HttpResult> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const onRunAbort = () => controller.abort()
  ctx.signal?.addEventListener('abort', onRunAbort, { once: true })
  const headers = { ...call.headers }
  let body: string | undefined
  if (call.body !== undefined) {
    body = JSON.stringify(call.body)
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json'
    }
  }
  const what = `${call.method} ${maskUrl(call.url)}`
  try {
    const res = await ctx.fetch(call.url, { method: call.method, headers, body, signal: controller.signal })
    const resHeaders: Record<string, string> = {}
    res.headers.forEach((value, key) => {
      resHeaders[key.toLowerCase()] = value
    })
    const declared = Number(resHeaders['content-length'])
    if (declared > MAX_RESPONSE_CHARS) throw new Error(`${what}: response of ${declared} bytes is too large`)
    const text = await res.text()
    if (text.length > MAX_RESPONSE_CHARS) throw new Error(`${what}: response is too large`)
    let parsed: unknown = text
    if (/\bjson\b/i.test(resHeaders['content-type'] ?? '') && text !== '') {
      try {
        parsed = JSON.parse(text)
      } catch {
        // a server that mislabels its body still gets its text recorded
      }
    }
    return { status: res.status, headers: resHeaders, body: parsed }
  } catch (err) {
    if (timedOut) throw new Error(`${what} timed out after ${timeoutMs} ms`)
    if (ctx.signal?.aborted) throw new Error(`${what} was cancelled: the run hit its time limit`)
    if ((err as Error).message?.startsWith(what)) throw err
    throw new Error(`${what} failed: ${describeFetchError(err)}`)
  } finally {
    clearTimeout(timer)
    ctx.signal?.removeEventListener('abort', onRunAbort)
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}
