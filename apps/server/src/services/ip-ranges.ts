import { isIPv4, isIPv6 } from 'node:net'

/**
 * Which IP addresses outbound calls must not reach by default: everything that is not the
 * public internet (loopback, private, link-local, cloud metadata, unspecified, multicast,
 * reserved), including IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64,
 * 6to4), since those reach the same IPv4 host.
 */
export interface Ip {
  family: 4 | 6
  bytes: number[]
}

export function parseIp(text: string): Ip | null {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  if (isIPv4(bare)) return { family: 4, bytes: bare.split('.').map(Number) }
  if (!isIPv6(bare)) return null
  let head = bare
  const tailV4: number[] = []
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(bare)
  if (dotted) {
    head = `${dotted[1]}0:0`
    tailV4.push(...dotted[2].split('.').map(Number))
  }
  const [left, right] = head.split('::')
  const l = left ? left.split(':') : []
  const r = right !== undefined && right !== '' ? right.split(':') : []
  const groups = [...l, ...new Array(8 - l.length - r.length).fill('0'), ...r].map((g) =>
    Number.parseInt(g, 16),
  )
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff])
  if (tailV4.length === 4) bytes.splice(12, 4, ...tailV4)
  return { family: 6, bytes }
}

interface Range {
  prefix: number[]
  bits: number
  reason: string
}

const v4 = (cidr: string, reason: string): Range => {
  const [addr, bits] = cidr.split('/')
  return { prefix: addr.split('.').map(Number), bits: Number(bits), reason }
}
const v6 = (cidr: string, reason: string): Range => {
  const [addr, bits] = cidr.split('/')
  return { prefix: parseIp(addr)!.bytes, bits: Number(bits), reason }
}

// Most specific first: the metadata address sits inside link-local and is named as such.
const V4_BLOCKED: Range[] = [
  v4('169.254.169.254/32', 'a cloud metadata address'),
  v4('100.100.100.200/32', 'a cloud metadata address'),
  v4('0.0.0.0/8', 'an unspecified address'),
  v4('127.0.0.0/8', 'a loopback address'),
  v4('10.0.0.0/8', 'a private address'),
  v4('172.16.0.0/12', 'a private address'),
  v4('192.168.0.0/16', 'a private address'),
  v4('100.64.0.0/10', 'a shared (carrier-grade NAT) address'),
  v4('169.254.0.0/16', 'a link-local address'),
  v4('192.0.0.0/24', 'a reserved address'),
  v4('198.18.0.0/15', 'a reserved (benchmarking) address'),
  v4('224.0.0.0/4', 'a multicast address'),
  v4('240.0.0.0/4', 'a reserved address'),
]

const V6_BLOCKED: Range[] = [
  v6('fd00:ec2::254/128', 'a cloud metadata address'),
  v6('::/128', 'an unspecified address'),
  v6('::1/128', 'a loopback address'),
  v6('fc00::/7', 'a private (unique local) address'),
  v6('fe80::/10', 'a link-local address'),
  v6('fec0::/10', 'a private (site-local) address'),
  v6('ff00::/8', 'a multicast address'),
  v6('100::/64', 'a reserved (discard) address'),
]

export function inRange(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < prefix.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff
    if ((bytes[i] & mask) !== (prefix[i] & mask)) return false
  }
  return true
}

/** The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedV4(ip: Ip): Ip | null {
  if (ip.family !== 6) return null
  const b = ip.bytes
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0)
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return { family: 4, bytes: b.slice(12) }
  // ::a.b.c.d (IPv4-compatible, deprecated); ::1 and :: are not IPv4 hosts.
  if (zeros(0, 12) && !zeros(12, 15)) return { family: 4, bytes: b.slice(12) }
  if (inRange(b, v6('64:ff9b::/96', '').prefix, 96)) return { family: 4, bytes: b.slice(12) }
  if (b[0] === 0x20 && b[1] === 0x02) return { family: 4, bytes: b.slice(2, 6) }
  return null
}

/** Why an address is not on the public internet (e.g. "a private address"), or null when it is. */
export function blockedReason(ip: Ip): string | null {
  const inner = embeddedV4(ip)
  if (inner) {
    const reason = blockedReason(inner)
    return reason ? `${reason} (inside an IPv6 address)` : null
  }
  for (const r of ip.family === 4 ? V4_BLOCKED : V6_BLOCKED)
    if (inRange(ip.bytes, r.prefix, r.bits)) return r.reason
  return null
}

export function sameIp(a: Ip, b: Ip): boolean {
  const x = embeddedV4(a) ?? a
  const y = embeddedV4(b) ?? b
  return x.family === y.family && x.bytes.every((v, i) => v === y.bytes[i])
}

/** One FLOWLINE_ALLOW_HOSTS entry: a host name (`*.corp.example` matches below it), an IP or a CIDR range. */
export type AllowEntry =
  | { kind: 'host'; name: string }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'ip'; ip: Ip; bits: number }

export function parseAllowList(text: string | undefined): AllowEntry[] {
  const entries: AllowEntry[] = []
  for (const raw of (text ?? '').split(/[,\s]+/)) {
    const item = raw.trim().toLowerCase().replace(/\.$/, '')
    if (item === '') continue
    const [addr, bits] = item.split('/')
    const ip = parseIp(addr)
    if (ip) {
      const max = ip.family === 4 ? 32 : 128
      entries.push({ kind: 'ip', ip, bits: bits === undefined ? max : Math.min(max, Number(bits)) })
    } else if (item.startsWith('*.')) entries.push({ kind: 'suffix', suffix: item.slice(1) })
    else entries.push({ kind: 'host', name: item.replace(/^\[|\]$/g, '') })
  }
  return entries
}

export function hostAllowed(entries: AllowEntry[], hostname: string): boolean {
  const name = hostname
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[|\]$/g, '')
  return entries.some(
    (e) => (e.kind === 'host' && e.name === name) || (e.kind === 'suffix' && name.endsWith(e.suffix)),
  )
}

export function ipAllowed(entries: AllowEntry[], ip: Ip): boolean {
  const x = embeddedV4(ip) ?? ip
  return entries.some((e) => {
    if (e.kind !== 'ip') return false
    const y = embeddedV4(e.ip) ?? e.ip
    const bits = e.ip.family === 6 && y.family === 4 ? Math.max(0, e.bits - 96) : e.bits
    return x.family === y.family && inRange(x.bytes, y.bytes, bits)
  })
}
