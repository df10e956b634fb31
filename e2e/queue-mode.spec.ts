import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Page, test } from '@playwright/test'
import { Redis } from 'ioredis'
import pg from 'pg'
import { freePort, REPO_ROOT } from '../apps/server/src/testing/child-server'
import { nodeFlagsFor } from '../apps/server/src/testing/node-flags'
import { expect } from './editor-helpers'

/**
 * Queue mode in the browser (issue 14): an API process and a worker process of their own
 * (not playwright.config's embedded server) over PostgreSQL and Redis. A test run started in
 * the editor waits in the queue while no worker runs, executes once one starts, and its trace
 * reaches the canvas through Redis. Needs TEST_REDIS_URL and TEST_DATABASE_URL (CI sets both).
 */
const REDIS = process.env.TEST_REDIS_URL
const PG = process.env.TEST_DATABASE_URL
const ADMIN = { email: 'qm-admin@flowline.test', password: 'queue-mode-password-1' }
const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`)

test.skip(!REDIS || !PG, 'queue mode needs TEST_REDIS_URL and TEST_DATABASE_URL')

async function pgAdmin(sql: string) {
  const client = new pg.Client({ connectionString: PG })
  await client.connect()
  await client.query(sql).finally(() => client.end())
}

test.describe('queue mode', () => {
  const prefix = `flowline-e2e-${randomBytes(6).toString('hex')}`
  const dbName = `flowline_e2e_${randomBytes(6).toString('hex')}`
  const dataDir = mkdtempSync(join(tmpdir(), 'flowline-e2e-qm-'))
  const children: ChildProcess[] = []
  let apiUrl = ''
  let env: Record<string, string> = {}
  let worker: ChildProcess | undefined

  const start = (entry: string, extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [...nodeFlagsFor(entry, REPO_ROOT), '--import', 'tsx', entry], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...env, ...extra },
    })
    children.push(child)
    return child
  }

  test.beforeAll(async () => {
    await pgAdmin(`CREATE DATABASE ${dbName}`)
    const dbUrl = new URL(PG!)
    dbUrl.pathname = `/${dbName}`
    const port = await freePort()
    apiUrl = `http://127.0.0.1:${port}`
    env = {
      PORT: String(port),
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: REDIS!,
      FLOWLINE_REDIS_PREFIX: prefix,
      FLOWLINE_DATA_DIR: dataDir,
      FLOWLINE_SECRET_KEY: '8d'.repeat(32),
      FLOWLINE_ADMIN_EMAIL: ADMIN.email,
      FLOWLINE_ADMIN_PASSWORD: ADMIN.password,
      FLOWLINE_ALLOW_HOSTS: '127.0.0.1',
      FLOWLINE_API_URL: apiUrl,
      FLOWLINE_RUN_THREADS: '1',
      LOG_LEVEL: 'warn',
    }
    start('apps/server/src/main.ts')
    await expect
      .poll(
        () =>
          fetch(`${apiUrl}/healthz`).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 60_000 },
      )
      .toBe(200)
  })

  test.afterAll(async () => {
    for (const c of children)
      if (c.exitCode === null && c.signalCode === null) process.kill(c.pid!, 'SIGKILL')
    await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {})
    const redis = new Redis(REDIS!)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('a test run waits for a worker, executes there, and its trace lights the canvas', async ({ page }) => {
    test.setTimeout(120_000)
    await page.goto(`${apiUrl}/`)
    await page.getByLabel('Email').fill(ADMIN.email)
    await page.getByLabel('Password').fill(ADMIN.password)
    await page.getByRole('button', { name: /sign in/i }).click()
    await expect(page.getByTestId('current-user')).toContainText(ADMIN.email)

    // System: queue mode, no worker yet.
    await page.getByTestId('nav-system').click()
    await expect(page.getByTestId('system-mode')).toContainText('Queue mode')
    await expect(page.getByTestId('worker-count')).toHaveText('0')

    await page.goto(`${apiUrl}/#/workflows`)
    await page.getByTestId('template-personalization').click()
    await page.getByTestId('name-dialog-confirm').click()
    await expect(node(page, 'n1')).toBeVisible({ timeout: 20_000 })
    await page.getByTestId('panel-tab-run').click()
    await page.getByTestId('cmd-fit-view').click()
    await page.getByTestId('run-sample-select').selectOption('order-completed')
    await page.getByTestId('run-add-mock').selectOption('n8')
    await page.getByTestId('run-mock-editor-n8').fill(
      JSON.stringify({
        status: 200,
        headers: {},
        body: { confidence: 0.9, recommendations: [{ id: 'sku-1', title: 'Trail shoe', score: 0.9 }] },
      }),
    )
    await page.getByTestId('run-start').click()

    // Nothing executes in the API process: the run stays unfinished until a worker exists.
    await page.waitForTimeout(2_000)
    await expect(page.getByTestId('run-status')).not.toHaveAttribute('data-status', 'succeeded')
    await expect(node(page, 'n4').locator('[data-trace]')).not.toHaveAttribute('data-trace', 'succeeded')

    worker = start('apps/server/src/worker.ts')
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', {
      timeout: 60_000,
    })
    for (const id of ['n1', 'n4', 'n8', 'n10', 'n17'])
      await expect(node(page, id).locator('[data-trace]')).toHaveAttribute('data-trace', 'succeeded')
    await expect(node(page, 'n5').locator('[data-trace]')).not.toHaveAttribute('data-trace', 'succeeded')

    // The worker wrote the trace to the run's Redis stream (kept a minute after the run ended).
    const redis = new Redis(REDIS!)
    const streams = await redis.keys(`${prefix}:trace:*`)
    redis.disconnect()
    expect(streams.length).toBeGreaterThan(0)

    await page.getByTestId('nav-system').click()
    await expect(page.getByTestId('worker-count')).toHaveText('1', { timeout: 10_000 })
    expect(worker.exitCode).toBeNull()
  })
})
