import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer } from '../testing/harness'

describe('serving the built web app', () => {
  let dist: string
  let server: Awaited<ReturnType<typeof startTestServer>>

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'flowline-dist-'))
    mkdirSync(join(dist, 'assets'))
    writeFileSync(
      join(dist, 'index.html'),
      '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>',
    )
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("app")')
    writeFileSync(join(dist, 'assets', 'index-abc123.css'), 'body{}')
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    server = await startTestServer('sqlite', { webDist: dist })
  })
  afterAll(async () => {
    await server.close()
    rmSync(dist, { recursive: true, force: true })
  })

  it('serves index.html at / with a CSP and revalidation', async () => {
    const res = await fetch(`${server.url}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toContain('id="root"')
  })

  it('caches hashed assets forever with the right content types', async () => {
    const js = await fetch(`${server.url}/assets/index-abc123.js`)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const css = await fetch(`${server.url}/assets/index-abc123.css`)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    const svg = await fetch(`${server.url}/favicon.svg`)
    expect(svg.headers.get('content-type')).toBe('image/svg+xml')
    expect(svg.headers.get('cache-control')).toBe('no-cache')
  })

  it('answers 304 to a matching ETag', async () => {
    const first = await fetch(`${server.url}/assets/index-abc123.js`)
    const again = await fetch(`${server.url}/assets/index-abc123.js`, {
      headers: { 'if-none-match': first.headers.get('etag')! },
    })
    expect(again.status).toBe(304)
  })

  it('falls back to index.html for app routes but 404s missing files', async () => {
    const route = await fetch(`${server.url}/workflows/wf_123/runs`)
    expect(route.status).toBe(200)
    expect(await route.text()).toContain('id="root"')
    expect((await fetch(`${server.url}/assets/missing-123.js`)).status).toBe(404)
    expect((await fetch(`${server.url}/api/nothing`)).status).toBe(404)
  })

  it('never serves files outside the dist folder', async () => {
    const res = await fetch(`${server.url}/..%2f..%2fetc%2fpasswd`)
    expect(await res.text()).not.toContain('root:')
  })

  it('answers /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })
})

describe('without a built web app', () => {
  it('still starts and says how to build it', async () => {
    const server = await startTestServer('sqlite')
    try {
      const res = await fetch(`${server.url}/`)
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('npm run build')
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})
