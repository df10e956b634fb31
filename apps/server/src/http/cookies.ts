import type { IncomingMessage } from 'node:http'

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!header) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    if (!name || name in out) continue
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      // A malformed cookie from another app on the same host is not our problem: skip it.
    }
  }
  return out
}

export function serializeCookie(
  name: string,
  value: string,
  opts: { maxAgeSeconds: number; expires?: Date; secure?: boolean },
): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${opts.maxAgeSeconds}`,
  ]
  if (opts.expires) parts.push(`Expires=${opts.expires.toUTCString()}`)
  if (opts.secure) parts.push('Secure')
  return parts.join('; ')
}

/**
 * The peer address. X-Forwarded-For is ignored unless FLOWLINE_TRUST_PROXY is set: trusting
 * it blindly would let anyone dodge the login rate limit by inventing addresses.
 */
export function clientIp(req: IncomingMessage): string {
  if (process.env.FLOWLINE_TRUST_PROXY) {
    const forwarded = req.headers['x-forwarded-for']
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
    if (first) return first
  }
  return req.socket.remoteAddress ?? 'unknown'
}
