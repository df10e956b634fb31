import type dns from 'node:dns'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StubServer, startStubServer } from '../testing/stub-server'
import { Cancellation } from './engine'
import { createHttpClient } from './http-client'
import { createOutboundGuard, type OutboundGuardOptions } from './outbound-guard'

/** DNS for made-up names: every *.test host resolves to 127.0.0.1, like a rebinding attacker's would. */
const fakeDns = ((hostname: string, options: dns.LookupOptions, callback: (...a: unknown[]) => void) => {
  if (!hostname.endsWith('.test'))
    return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }))
  const address = { address: '127.0.0.1', family: 4 }
  if (options.all) callback(null, [address])
  else callback(null, address.address, address.family)
}) as unknown as typeof dns.lookup

const client = (opts: OutboundGuardOptions = {}) =>
  createHttpClient({ guard: createOutboundGuard({ lookup: fakeDns, ...opts }) })

async function outcome(fetch: ReturnType<typeof client>, url: string, headers: Record<string, string> = {}) {
  try {
    const res = await fetch(url, { method: 'GET', headers, sensitiveHeaders: ['X-Api'] })
    return { status: res.status, body: await res.text() }
  } catch (err) {
    const e = err as { code?: string; message: string }
    return { code: e.code, message: e.message }
  } finally {
    fetch.close()
  }
}

describe('the guarded HTTP client (real sockets on 127.0.0.1)', () => {
  let stub: StubServer
  let other: StubServer
  beforeAll(async () => {
    stub = await startStubServer((req) =>
      req.path.startsWith('/redirect-to/')
        ? { status: 302, headers: { location: decodeURIComponent(req.path.slice('/redirect-to/'.length)) } }
        : req.path === '/huge'
          ? { body: 'x'.repeat(6 * 1024 * 1024) }
          : req.path === '/slow'
            ? { body: { ok: true }, delayMs: 2_000 }
            : { body: { ok: true } },
    )
    other = await startStubServer()
  })
  afterAll(async () => {
    await stub.close()
    await other.close()
  })

  it('refuses metadata, private, loopback and hosts resolving to loopback by default, before connecting', async () => {
    const refused = [
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
      ['http://10.0.0.1/', '10.0.0.1 is a private address'],
      [`http://[::1]:${stub.port}/`, '::1 is a loopback address'],
      [`http://[::ffff:127.0.0.1]:${stub.port}/`, 'is a loopback address (inside an IPv6 address)'],
      [
        `http://braze.test:${stub.port}/`,
        'braze.test is a loopback address (braze.test resolves to 127.0.0.1)',
      ],
      [`http://127.0.0.1:${stub.port}/`, '127.0.0.1 is a loopback address'],
    ]
    for (const [url, why] of refused) {
      const r = await outcome(client(), url)
      expect(r, url).toMatchObject({ code: 'ERR_OUTBOUND_BLOCKED' })
      expect(r.message, url).toContain(why)
      expect(r.message, url).toContain('FLOWLINE_ALLOW_HOSTS')
    }
    // `localhost` through the system resolver too.
    expect(await outcome(createHttpClient(), `http://localhost:${stub.port}/`)).toMatchObject({
      code: 'ERR_OUTBOUND_BLOCKED',
    })
    expect(stub.requests).toHaveLength(0)
  })

  it('lets allow-listed hosts and addresses through', async () => {
    expect(
      await outcome(client({ allowHosts: '127.0.0.1' }), `http://braze.test:${stub.port}/a`),
    ).toMatchObject({
      status: 200,
    })
    expect(
      await outcome(client({ allowHosts: 'braze.test' }), `http://braze.test:${stub.port}/b`),
    ).toMatchObject({
      status: 200,
    })
    expect(
      await outcome(client({ allowHosts: '127.0.0.0/8' }), `http://127.0.0.1:${stub.port}/c`),
    ).toMatchObject({
      status: 200,
    })
    // Allow-listing ::1 lifts the guard; nothing listens there, so the error is the socket's.
    const v6 = await outcome(client({ allowHosts: '::1' }), `http://[::1]:${stub.port}/`)
    expect(v6.code).not.toBe('ERR_OUTBOUND_BLOCKED')
    expect(stub.requests.map((r) => r.path)).toEqual(['/a', '/b', '/c'])
  })

  it('checks every redirect hop, and drops credentials when a redirect leaves the origin', async () => {
    const fetch = client({ allowHosts: 'api.test, other.test' })
    const hop = (to: string) => `http://api.test:${stub.port}/redirect-to/${encodeURIComponent(to)}`
    expect(await outcome(fetch, hop('http://169.254.169.254/latest/meta-data/'))).toMatchObject({
      code: 'ERR_OUTBOUND_BLOCKED',
    })
    expect(await outcome(fetch, hop(`http://10.0.0.1:${stub.port}/`))).toMatchObject({
      code: 'ERR_OUTBOUND_BLOCKED',
    })
    const moved = await outcome(fetch, hop(`http://other.test:${other.port}/landing`), {
      Authorization: 'Bearer k-secret',
      'X-Api': 'k-secret',
      'X-Trace': 't-1',
    })
    expect(moved).toMatchObject({ status: 200 })
    expect(other.requests[0].headers.authorization).toBeUndefined()
    expect(other.requests[0].headers['x-api']).toBeUndefined()
    expect(other.requests[0].headers['x-trace']).toBe('t-1')
  })

  it("exempts only this server's own demo endpoints, even over a reused connection", async () => {
    const fetch = createHttpClient({
      guard: createOutboundGuard({ lookup: fakeDns, selfUrl: () => `http://127.0.0.1:${stub.port}` }),
    })
    try {
      const demo = await fetch(`http://self.test:${stub.port}/api/demo/recommend`, {
        method: 'GET',
        headers: {},
      })
      expect(demo.status).toBe(200)
      await expect(
        fetch(`http://self.test:${stub.port}/api/hooks/wf_1`, { method: 'GET', headers: {} }),
      ).rejects.toMatchObject({ code: 'ERR_OUTBOUND_BLOCKED' })
      await expect(
        fetch(`http://127.0.0.1:${stub.port}/trpc/users.list`, { method: 'GET', headers: {} }),
      ).rejects.toMatchObject({ code: 'ERR_OUTBOUND_BLOCKED' })
    } finally {
      fetch.close()
    }
  })

  it('keeps its time limit over the whole call and stops when the run is cancelled, not before', async () => {
    const fetch = client({ allowHosts: '127.0.0.1' })
    try {
      const slow = `http://127.0.0.1:${stub.port}/slow`
      const t0 = Date.now()
      await expect(fetch(slow, { method: 'GET', headers: {}, timeoutMs: 150 })).rejects.toMatchObject({
        name: 'TimeoutError',
      })
      expect(Date.now() - t0).toBeLessThan(1_500)

      // One run's signal serves all its calls: a finished call is not cut off later.
      const run = new Cancellation()
      const quick = await fetch(`http://127.0.0.1:${stub.port}/`, {
        method: 'GET',
        headers: {},
        signal: run,
      })
      expect(await quick.text()).toBe('{"ok":true}')
      const cut = fetch(slow, { method: 'GET', headers: {}, signal: run, timeoutMs: 10_000 })
      setTimeout(() => run.abort(), 50)
      await expect(cut).rejects.toMatchObject({ name: 'AbortError' })
      await expect(fetch(slow, { method: 'GET', headers: {}, signal: run })).rejects.toMatchObject({
        name: 'AbortError',
      })
    } finally {
      fetch.close()
    }
  })

  it('refuses response bodies over 5 MiB', async () => {
    const r = await outcome(client({ allowHosts: '127.0.0.1' }), `http://127.0.0.1:${stub.port}/huge`)
    expect(r.message).toMatch(/larger than 5242880 bytes/)
  })
})
