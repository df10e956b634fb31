// Editor time to interactive with the seed template (personalization), JavaScript shipped for
// that first load (the layout worker's requests included), and the longest main-thread task
// while opening and during auto-layout (Shift+L).
// Usage: node --import tsx bench/editor-tti.ts [WEB_DIST_DIR] (default apps/web/dist, built
// with `npx vite build`). Starts the real server on a throwaway data dir. Each load uses a
// fresh browser context: a first visit, nothing cached.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type Browser, chromium } from '@playwright/test'
import { chromiumLaunchOptions } from '../e2e/browser'
import { trpc, waitForHealth } from './app-api'

const ADMIN = { email: 'tti@flowline.test', password: 'tti-password-1' }
const RUNS = 5

// Long tasks on the page's main thread while it opens (a layout on it shows up here).
const LONG_TASKS = `(() => {
  window.__long = []
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration) })
    .observe({ type: 'longtask', buffered: true })
})()`

async function openOnce(browser: Browser, url: string, cookie: string, target: string) {
  const [name, value] = cookie.split('=')
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  await context.addCookies([{ name, value, url }])
  await context.addInitScript(LONG_TASKS)
  let jsBytes = 0
  const scripts: string[] = []
  // Context-wide: the layout worker's own requests count too.
  context.on('response', async (r) => {
    if (!/\.js(\?|$)/.test(r.url())) return
    const body = await r.body().catch(() => null)
    if (body) {
      jsBytes += body.length
      scripts.push(`${r.url().replace(url, '')} ${(body.length / 1024).toFixed(0)} kB`)
    }
  })
  const page = await context.newPage()
  const t0 = Date.now()
  await page.goto(target)
  // Interactive: the last node is on screen, the toolbar works, and a frame and a task got through.
  await page.locator('.react-flow__node[data-id="n20"]').waitFor({ timeout: 60_000 })
  await page.getByTestId('save-button').waitFor()
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))')
  const ms = Date.now() - t0
  await page.waitForTimeout(300)
  const long = (await page.evaluate('window.__long')) as number[]
  const firstLoad = { jsBytes, scripts: [...scripts] }
  // Auto-layout (Shift+L) of the open graph: the longest task the page is frozen for meanwhile.
  await page.evaluate('window.__long = []')
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('Shift+L')
  await page.waitForTimeout(2000)
  const layoutLong = (await page.evaluate('window.__long')) as number[]
  await context.close()
  return { ms, ...firstLoad, longest: Math.max(0, ...long), layoutLongest: Math.max(0, ...layoutLong) }
}

async function main() {
  const dist = resolve(process.argv[2] ?? 'apps/web/dist')
  const port = 3800 + Math.floor(Math.random() * 500)
  const url = `http://127.0.0.1:${port}`
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      FLOWLINE_DATA_DIR: mkdtempSync(join(tmpdir(), 'flowline-tti-')),
      FLOWLINE_WEB_DIST: dist,
      FLOWLINE_ADMIN_EMAIL: ADMIN.email,
      FLOWLINE_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  })
  const browser = await chromium.launch(chromiumLaunchOptions)
  try {
    await waitForHealth(url, 60_000)
    const cookie = (await trpc(url, 'auth.login', ADMIN)).cookie?.split(';')[0] ?? ''
    const created = await trpc(url, 'workflows.create', { template: 'personalization' }, cookie)
    const { id } = created.body.result.data as { id: string }
    const target = `${url}/#/workflows/${encodeURIComponent(id)}`
    await openOnce(browser, url, cookie, target) // warm-up: server caches, disk
    const runs = []
    for (let i = 0; i < RUNS; i++) runs.push(await openOnce(browser, url, cookie, target))
    const sorted = [...runs].sort((a, b) => a.ms - b.ms)
    const median = sorted[Math.floor(sorted.length / 2)]
    console.log(`dist: ${dist}`)
    console.log(
      `  editor with the seed template, navigation → interactive: ${median.ms} ms (median of ${RUNS})`,
    )
    console.log(`  all runs: ${runs.map((r) => r.ms).join(', ')} ms`)
    console.log(`  JavaScript fetched for that first load: ${(median.jsBytes / 1024).toFixed(0)} kB`)
    for (const s of median.scripts) console.log(`    ${s}`)
    console.log(`  longest main-thread task while opening: ${median.longest.toFixed(0)} ms`)
    const freeze = runs.map((r) => r.layoutLongest).sort((a, b) => a - b)[Math.floor(runs.length / 2)]
    console.log(`  longest main-thread task during auto-layout (Shift+L): ${freeze.toFixed(0)} ms (median)`)
  } finally {
    await browser.close()
    server.kill('SIGTERM')
  }
}

await main()
