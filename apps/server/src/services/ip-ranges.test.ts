import { describe, expect, it } from 'vitest'
import { blockedReason, hostAllowed, ipAllowed, parseAllowList, parseIp } from './ip-ranges'

const reason = (text: string) => blockedReason(parseIp(text)!)

describe('outbound address classification', () => {
  it('blocks everything that is not the public internet, in every spelling', () => {
    const cases: [string, string | null][] = [
      ['169.254.169.254', 'a cloud metadata address'],
      ['fd00:ec2::254', 'a cloud metadata address'],
      ['10.0.0.1', 'a private address'],
      ['172.16.5.4', 'a private address'],
      ['172.32.0.1', null],
      ['192.168.1.1', 'a private address'],
      ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
      ['127.0.0.1', 'a loopback address'],
      ['127.8.9.10', 'a loopback address'],
      ['::1', 'a loopback address'],
      ['[::1]', 'a loopback address'],
      ['0.0.0.0', 'an unspecified address'],
      ['::', 'an unspecified address'],
      ['169.254.1.1', 'a link-local address'],
      ['fe80::1%eth0', 'a link-local address'],
      ['fc00::1', 'a private (unique local) address'],
      ['fdff:ffff::1', 'a private (unique local) address'],
      ['224.0.0.1', 'a multicast address'],
      ['::ffff:127.0.0.1', 'a loopback address (inside an IPv6 address)'],
      ['::ffff:7f00:1', 'a loopback address (inside an IPv6 address)'],
      ['::ffff:169.254.169.254', 'a cloud metadata address (inside an IPv6 address)'],
      ['::ffff:10.0.0.1', 'a private address (inside an IPv6 address)'],
      ['64:ff9b::a00:1', 'a private address (inside an IPv6 address)'],
      ['2002:c0a8:0101::1', 'a private address (inside an IPv6 address)'],
      ['8.8.8.8', null],
      ['::ffff:8.8.8.8', null],
      ['2606:4700:4700::1111', null],
    ]
    for (const [ip, expected] of cases) expect(reason(ip), ip).toBe(expected)
  })

  it('reads FLOWLINE_ALLOW_HOSTS: host names, wildcards, IPs and CIDR ranges', () => {
    const list = parseAllowList('127.0.0.1, braze.local ,*.corp.example, 10.1.0.0/16, ::1')
    expect(hostAllowed(list, 'BRAZE.local.')).toBe(true)
    expect(hostAllowed(list, 'api.corp.example')).toBe(true)
    expect(hostAllowed(list, 'corp.example.evil')).toBe(false)
    expect(ipAllowed(list, parseIp('127.0.0.1')!)).toBe(true)
    expect(ipAllowed(list, parseIp('::ffff:127.0.0.1')!)).toBe(true)
    expect(ipAllowed(list, parseIp('127.0.0.2')!)).toBe(false)
    expect(ipAllowed(list, parseIp('10.1.200.3')!)).toBe(true)
    expect(ipAllowed(list, parseIp('10.2.0.1')!)).toBe(false)
    expect(ipAllowed(list, parseIp('::1')!)).toBe(true)
    expect(parseAllowList('')).toEqual([])
  })
})
