import type { LookupAddress } from 'node:dns'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects } from '../testing/databases'
import { createTestApp, type TestApp } from '../testing/harness'
import { type StubServer, startStubServer } from '../testing/stub-server'
import { oneStep, testRun } from './attack-kit'

/**
 * Server-side request forgery: a workflow step (or a connection test) aimed at the cloud
 * metadata address or at this machine, under every spelling of loopback, and through
 * redirects from an allowed host. The guard must refuse each before a byte reaches the target
 * (a stub on 127.0.0.1 that counts requests), and the run fails saying why.
 */
const REFUSED = /refused by the outbound guard: .+ is (a loopback|a cloud metadata|an unspecified) address/

describe.each(dialects)('SSRF (%s)', (dialect) => {
  let app: TestApp
  let target: StubServer
  let bouncer: Server
  let bounceTo = ''
  let bouncerUrl = ''

  beforeAll(async () => {
    target = await startStubServer(() => ({ status: 200, body: { secret: 'internal data' } }))
    // An allowed host (127.0.0.2 is listed in FLOWLINE_ALLOW_HOSTS) that redirects wherever told.
    bouncer = createServer((_req, res) => {
      res.writeHead(302, { location: bounceTo })
      res.end()
    })
    await new Promise<void>((resolve) => bouncer.listen(0, '127.0.0.2', resolve))
    bouncerUrl = `http://127.0.0.2:${(bouncer.address() as AddressInfo).port}`
    // Real threads and the real guarded client: nothing injected.
    app = await createTestApp(dialect, { runDeps: {}, allowHosts: '127.0.0.2' })
  })
  afterAll(async () => {
    await app.close()
    await target.close()
    await new Promise((r) => bouncer.close(r))
  })

  const spellings = () => {
    const p = target.port
    return [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      `http://127.0.0.1:${p}/`,
      `http://127.1:${p}/`,
      `http://0x7f000001:${p}/`,
      `http://2130706433:${p}/`,
      `http://017700000001:${p}/`,
      `http://0x7f.0.0.1:${p}/`,
      `http://0:${p}/`,
      `http://[::1]:${p}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://[0:0:0:0:0:0:0:1]:${p}/`,
      `http://localhost:${p}/`,
    ]
  }

  it('refuses the metadata address and every loopback spelling; the run fails saying why', async () => {
    for (const url of spellings()) {
      const view = await testRun(app, oneStep('http-request', { method: 'GET', url }))
      expect(view.run.status, url).toBe('failed')
      expect(view.run.error, url).toMatch(REFUSED)
    }
    expect(target.requests).toHaveLength(0)
  })

  it('refuses redirects from an allowed host to them', async () => {
    const p = target.port
    for (const to of [
      'http://169.254.169.254/latest/meta-data/',
      `http://127.0.0.1:${p}/`,
      `http://2130706433:${p}/`,
      `http://[::1]:${p}/`,
      `http://localhost:${p}/`,
    ]) {
      bounceTo = to
      const view = await testRun(app, oneStep('http-request', { method: 'GET', url: `${bouncerUrl}/go` }))
      expect(view.run.status, to).toBe('failed')
      expect(view.run.error, to).toMatch(REFUSED)
    }
    expect(target.requests).toHaveLength(0)
  })

  it('refuses them through connections too ("Test connection", HTTP and SMTP)', async () => {
    const editor = app.as(app.users.editor)
    const http = await editor.connections.create({
      name: 'Internal',
      type: 'http',
      config: { baseUrl: `http://2130706433:${target.port}`, auth: 'bearer' },
      secret: 'k',
    })
    const probe = await editor.connections.test({ id: http.id })
    expect(probe.ok).toBe(false)
    expect(probe.message).toMatch(REFUSED)
    const smtp = await editor.connections.create({
      name: 'Internal mail',
      type: 'smtp',
      config: { host: '127.1', port: target.port, secure: false, user: '', from: 'a@example.com' },
    })
    const mail = await editor.connections.test({ id: smtp.id })
    expect(mail.ok).toBe(false)
    expect(mail.message).toMatch(REFUSED)
    expect(target.requests).toHaveLength(0)
  })

  it('refuses a public-looking name that resolves to the metadata address (checked on the address connected to)', async () => {
    const lookup = ((host: string, _o: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) =>
      cb(null, [
        { address: host === 'metadata.attacker.example' ? '169.254.169.254' : '93.184.216.34', family: 4 },
      ])) as never
    const dns = await createTestApp(dialect, { runDeps: {}, lookup, withUsers: true })
    try {
      const view = await testRun(
        dns,
        oneStep('http-request', { method: 'GET', url: 'http://metadata.attacker.example/latest/' }),
      )
      expect(view.run.status).toBe('failed')
      expect(view.run.error).toMatch(/metadata\.attacker\.example resolves to 169\.254\.169\.254/)
    } finally {
      await dns.close()
    }
  })
})
