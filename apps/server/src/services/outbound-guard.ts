import dns, { type LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import {
  type AllowEntry,
  blockedReason,
  hostAllowed,
  type Ip,
  ipAllowed,
  parseAllowList,
  parseIp,
  sameIp,
} from './ip-ranges'

/**
 * The outbound guard: workflow steps (and connection tests) may not reach loopback,
 * private, link-local or metadata addresses unless FLOWLINE_ALLOW_HOSTS lists them. The
 * check runs on the address actually connected to: IP-literal hosts before connecting,
 * host names inside the socket's DNS lookup (no window between check and connect), and
 * again for every redirect hop.
 *
 * One exemption: the server's own demo endpoints (`/api/demo/…` on the host:port it listens
 * on), so the personalization template's recommender works on a fresh install. Only those
 * paths: a workflow cannot call this server's webhooks or API that way.
 */
export class OutboundBlockedError extends Error {
  readonly code = 'ERR_OUTBOUND_BLOCKED'
}

export const DEMO_PATH = '/api/demo/'

export interface OutboundGuardOptions {
  /** FLOWLINE_ALLOW_HOSTS: comma-separated host names, IPs or CIDR ranges. */
  allowHosts?: string
  /** This server's own origin, known once it listens. */
  selfUrl?: () => string
  /** DNS resolution (tests substitute their own); default dns.lookup. */
  lookup?: typeof dns.lookup
}

export interface OutboundGuard {
  /** Refuses before any socket exists: bad protocols and blocked IP-literal hosts. */
  checkUrl(url: URL): void
  /** A socket lookup for this URL that only ever yields addresses the guard allows. */
  lookupFor(url: URL): LookupFunction
  /** Requests that may use the self exemption; the client keeps their sockets in a separate pool. */
  isSelfDemo(url: URL): boolean
  readonly allowList: readonly AllowEntry[]
}

const portOf = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80))

export function createOutboundGuard(opts: OutboundGuardOptions = {}): OutboundGuard {
  const allowList = parseAllowList(opts.allowHosts)
  const resolve = opts.lookup ?? dns.lookup

  function self(): { ip: Ip; port: number } | null {
    const text = opts.selfUrl?.()
    if (!text) return null
    try {
      const url = new URL(text)
      const ip = parseIp(url.hostname)
      return ip ? { ip, port: portOf(url) } : null
    } catch {
      return null
    }
  }

  /** null when `address` may be reached for `url`, else why not. */
  function verdict(url: URL, address: string): string | null {
    const ip = parseIp(address)
    if (!ip) return 'not an IP address'
    if (hostAllowed(allowList, url.hostname) || ipAllowed(allowList, ip)) return null
    const reason = blockedReason(ip)
    if (reason === null) return null
    const me = self()
    if (me && url.pathname.startsWith(DEMO_PATH) && portOf(url) === me.port && sameIp(me.ip, ip)) return null
    return reason
  }

  function refusal(url: URL, address: string, reason: string): OutboundBlockedError {
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const via = parseIp(host) ? '' : ` (${host} resolves to ${address})`
    return new OutboundBlockedError(
      `refused by the outbound guard: ${host} is ${reason}${via}; list it in FLOWLINE_ALLOW_HOSTS to allow it`,
    )
  }

  return {
    allowList,
    isSelfDemo: (url) => url.pathname.startsWith(DEMO_PATH),
    checkUrl(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new OutboundBlockedError(`refused by the outbound guard: ${url.protocol} URLs are not allowed`)
      const literal = url.hostname.replace(/^\[|\]$/g, '')
      if (parseIp(literal)) {
        const reason = verdict(url, literal)
        if (reason) throw refusal(url, literal, reason)
      }
    },
    lookupFor(url) {
      return ((hostname: string, options: unknown, callback: (...args: unknown[]) => void) => {
        const o = (typeof options === 'number' ? { family: options } : (options ?? {})) as dns.LookupOptions
        resolve(hostname, { ...o, all: true }, (err, addresses) => {
          if (err) return callback(err)
          const list = addresses as unknown as LookupAddress[]
          const allowed = list.filter((a) => verdict(url, a.address) === null)
          if (allowed.length === 0) {
            const first = list[0]?.address ?? hostname
            return callback(refusal(url, first, verdict(url, first) ?? 'not reachable'))
          }
          if (o.all) callback(null, allowed)
          else callback(null, allowed[0].address, allowed[0].family)
        })
      }) as LookupFunction
    },
  }
}
