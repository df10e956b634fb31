import { type ResolvedConnection, replaceSecret } from './engine'
import type { HttpClient } from './http-client'
import { createMailClient } from './mail-client'
import type { SecretFence } from './secret-fence'

export interface ProbeResult {
  ok: boolean
  /** The HTTP status, when the service answered at all. */
  status?: number
  message: string
  ms: number
}

const PROBE_TIMEOUT_MS = 10_000

/**
 * "Test connection": one harmless, read-only request through the guarded client, so the
 * outbound guard applies exactly as in runs. Braze has no who-am-I endpoint; listing one
 * page of campaigns is read-only and answers 401 for a bad key.
 */
export async function probeConnection(
  fetch: HttpClient,
  conn: ResolvedConnection,
  fence?: SecretFence,
): Promise<ProbeResult> {
  if (conn.type === 'smtp') return probeSmtp(fetch, conn, fence)
  const { url, headers } = probeRequest(conn)
  const t0 = performance.now()
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS)
  const ms = () => Math.round(performance.now() - t0)
  try {
    const res = await fetch(url, {
      method: 'GET',
      headers,
      signal: controller.signal,
      sensitiveHeaders: Object.keys(headers),
      fence,
    })
    await res.text()
    return { ...judge(conn, res.status), status: res.status, ms: ms() }
  } catch (err) {
    const message = controller.signal.aborted
      ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s`
      : scrub(describe(err), conn.secret)
    return { ok: false, message: `Could not reach ${new URL(url).host}: ${message}`, ms: ms() }
  } finally {
    clearTimeout(timer)
  }
}

/** SMTP: connect (through the same guard) and log in, sending nothing. */
async function probeSmtp(
  http: HttpClient,
  conn: Extract<ResolvedConnection, { type: 'smtp' }>,
  fence: SecretFence | undefined,
) {
  const t0 = performance.now()
  const ms = () => Math.round(performance.now() - t0)
  try {
    await createMailClient({ guard: http.guard, connectTimeoutMs: PROBE_TIMEOUT_MS }).verify(conn, { fence })
    const message = conn.config.user
      ? 'Connected: the mail server accepted the login'
      : 'Connected to the mail server'
    return { ok: true, message, ms: ms() }
  } catch (err) {
    const where = `${conn.config.host}:${conn.config.port}`
    return { ok: false, message: `Could not use ${where}: ${scrub(describe(err), conn.secret)}`, ms: ms() }
  }
}

function probeRequest(conn: Exclude<ResolvedConnection, { type: 'smtp' }>): {
  url: string
  headers: Record<string, string>
} {
  if (conn.type === 'braze') {
    const base = conn.config.restEndpoint.replace(/\/+$/, '')
    return {
      url: `${base}/campaigns/list?page=0`,
      headers: { Authorization: `Bearer ${conn.secret}`, Accept: 'application/json' },
    }
  }
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (conn.config.auth === 'bearer') headers.Authorization = `Bearer ${conn.secret}`
  if (conn.config.auth === 'header' && conn.config.headerName) headers[conn.config.headerName] = conn.secret
  return { url: conn.config.baseUrl, headers }
}

function judge(
  conn: Exclude<ResolvedConnection, { type: 'smtp' }>,
  status: number,
): { ok: boolean; message: string } {
  if (status === 401) return { ok: false, message: 'The service rejected the credentials (401)' }
  if (conn.type === 'braze') {
    if (status >= 200 && status < 300) return { ok: true, message: 'Connected: Braze accepted the API key' }
    if (status === 403)
      return {
        ok: true,
        message:
          'Reachable and the key is valid, but it may not list campaigns (403); sending needs users.track, campaigns.trigger.send and messages.send',
      }
    return { ok: false, message: `Braze answered ${status}` }
  }
  if (status === 403) return { ok: false, message: 'The service refused access (403)' }
  if (status >= 500) return { ok: false, message: `Reachable, but the service answered ${status}` }
  return { ok: true, message: `Reachable: the base URL answered ${status}` }
}

function describe(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string } }
  const code = e?.code ?? e?.cause?.code
  return code && !e.message?.includes(code) ? `${e.message} (${code})` : (e?.message ?? String(err))
}

/** Whatever its length (DESIGN §6): a short secret is still a secret. */
function scrub(text: string, secret: string): string {
  return replaceSecret(text, secret, '••••')
}
