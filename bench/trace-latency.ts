// Live-trace latency: the time from a node finishing on the server (its node.finished
// event's `at`) to that node's highlight in the browser (the node element's data-trace
// turning "succeeded", seen by a MutationObserver). Server and Chromium share the machine
// clock: `at` is Date.now() in Node, the page stamps performance.timeOrigin + now().
// Target: ≤ 100 ms. Standalone: `node --import tsx bench/trace-latency.ts` (after `npx vite build`).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Page } from '@playwright/test'
import { createLogger } from '../apps/server/src/logger'
import { startServer } from '../apps/server/src/server'
import { chromiumLaunchOptions } from '../e2e/browser'

const RUNS = Number(process.env.BENCH_TRACE_RUNS ?? 20)
const ADMIN = { email: 'bench@flowline.test', password: 'bench-password-1' }
const webDist = fileURLToPath(new URL('../apps/web/dist', import.meta.url))

type Finished = { type: string; nodeId?: string; at: string }

async function call<T>(url: string, path: string, input: unknown, cookie?: string) {
  const query = path === 'runs.get' || path === 'runs.list'
  const res = query
    ? await fetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
        headers: cookie ? { cookie } : {},
      })
    : await fetch(`${url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(input),
      })
  const json = (await res.json()) as { result?: { data: T }; error?: { message: string } }
  if (json.error) throw new Error(`${path}: ${json.error.message}`)
  return { data: json.result!.data, cookie: res.headers.getSetCookie()[0]?.split(';')[0] }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

// A string, not a function: tsx would wrap a function in helpers the page does not have.
const OBSERVE = `(() => {
  window.__seen = {}
  window.__frames = {}
  new MutationObserver((records) => {
    const t = performance.timeOrigin + performance.now()
    for (const r of records) {
      const el = r.target
      const id = el.dataset && el.dataset.testid
      if (!id || !id.startsWith('node-')) continue
      const state = el.getAttribute('data-trace')
      if (state !== 'succeeded' && state !== 'failed') continue
      const node = id.slice(5)
      if (node in window.__seen) continue
      window.__seen[node] = t
      // When the highlight can first be on screen: the next frame.
      requestAnimationFrame(() => { window.__frames[node] = performance.timeOrigin + performance.now() })
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-trace'] })
})()`

// Stamps each node.finished as it arrives over SSE: splits the latency into transport and render.
const STAMP_ARRIVALS = `(() => {
  window.__arrive = {}
  const ES = window.EventSource
  window.EventSource = class extends ES {
    constructor(url, init) {
      super(url, init)
      this.addEventListener('message', (m) => {
        const t = performance.timeOrigin + performance.now()
        try {
          const e = JSON.parse(m.data)
          if (e && e.type === 'node.finished' && !(e.nodeId in window.__arrive)) window.__arrive[e.nodeId] = t
        } catch {}
      })
    }
  }
})()`

async function oneRun(page: Page, url: string, cookie: string, workflowId: string, before: Set<string>) {
  await page.evaluate('window.__seen = {}; window.__frames = {}; window.__arrive = {}')
  await page.getByTestId('run-start').click()
  // No polling while the run executes: it would compete with the run for the server's CPU.
  await page.waitForSelector(
    '[data-testid="run-status"]:is([data-status="succeeded"], [data-status="failed"])',
    {
      timeout: 30_000,
    },
  )
  const { data: runs } = await call<{ id: string; status: string }[]>(
    url,
    'runs.list',
    { workflowId, limit: 5 },
    cookie,
  )
  const run = runs.find((r) => !before.has(r.id))
  if (!run) throw new Error('the run is not in the history')
  before.add(run.id)
  let events: Finished[] = []
  for (let i = 0; i < 200; i++) {
    const { data } = await call<{ run: { status: string }; events: Finished[] }>(
      url,
      'runs.get',
      { runId: run.id },
      cookie,
    )
    events = data.events
    if (data.run.status !== 'running') break
    await new Promise((r) => setTimeout(r, 25))
  }
  const finished = events.filter((e) => e.type === 'node.finished' && e.nodeId)
  await page.waitForFunction(`Object.keys(window.__frames).length >= ${finished.length}`, undefined, {
    timeout: 10_000,
  })
  const seen = (await page.evaluate('window.__seen')) as Record<string, number>
  const frames = (await page.evaluate('window.__frames')) as Record<string, number>
  const arrive = (await page.evaluate('window.__arrive')) as Record<string, number>
  return finished.map((e) => ({
    dom: seen[e.nodeId!] - Date.parse(e.at),
    frame: frames[e.nodeId!] - Date.parse(e.at),
    transport: arrive[e.nodeId!] - Date.parse(e.at),
  }))
}

export async function benchTraceLatency(): Promise<void> {
  if (!existsSync(join(webDist, 'index.html')))
    throw new Error('the web app is not built: run `npx vite build`')
  const dataDir = mkdtempSync(join(tmpdir(), 'flowline-bench-trace-'))
  const app = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logger: createLogger('warn'),
    admin: ADMIN,
    // n8 calls the demo recommender on this same server.
    allowHosts: '127.0.0.1',
    secretKey: randomBytes(32).toString('hex'),
  })
  const browser = await chromium.launch(chromiumLaunchOptions)
  try {
    const { cookie } = await call(app.url, 'auth.login', ADMIN)
    if (!cookie) throw new Error('no session cookie')
    const { data: wf } = await call<{ id: string }>(
      app.url,
      'workflows.create',
      { template: 'personalization' },
      cookie,
    )
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)]
    await context.addCookies([{ name, value, url: app.url }])
    const page = await context.newPage()
    await page.addInitScript(STAMP_ARRIVALS)
    await page.goto(`${app.url}/#/workflows/${wf.id}`)
    await page.locator('.react-flow__node[data-id="n1"]').waitFor({ timeout: 30_000 })
    await page.getByTestId('panel-tab-run').click()
    await page.getByTestId('cmd-fit-view').click()
    await page.evaluate(OBSERVE)

    const before = new Set<string>()
    // One warm-up run: first-use costs (JSONata compiles, lazy chunks) are not the steady state.
    await oneRun(page, app.url, cookie, wf.id, before)
    const dom: number[] = []
    const frame: number[] = []
    const transport: number[] = []
    for (let i = 0; i < RUNS; i++) {
      for (const s of await oneRun(page, app.url, cookie, wf.id, before)) {
        dom.push(s.dom)
        frame.push(s.frame)
        if (!Number.isNaN(s.transport)) transport.push(s.transport)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    for (const list of [dom, frame, transport]) list.sort((a, b) => a - b)
    const f = (ms: number) => `${ms.toFixed(1)} ms`
    console.log(`  ${RUNS} dry runs of the personalization template, ${dom.length} node highlights`)
    console.log(
      `  node.finished → highlight in the DOM: median ${f(percentile(dom, 50))}, p95 ${f(percentile(dom, 95))}, max ${f(dom[dom.length - 1])} (target ≤ 100 ms)`,
    )
    console.log(
      `  of which server → browser (SSE):     median ${f(percentile(transport, 50))}, p95 ${f(percentile(transport, 95))}`,
    )
    console.log(
      `  … to the next frame (on screen):   median ${f(percentile(frame, 50))}, p95 ${f(percentile(frame, 95))}, max ${f(frame[frame.length - 1])}`,
    )
    await context.close()
  } finally {
    await browser.close()
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchTraceLatency().catch((err) => {
    console.error(err)
    process.exitCode = 1
  })
}
