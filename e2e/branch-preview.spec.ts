import { mkdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, waitForEditor } from './editor-helpers'
import { signIn, test, trpc } from './fixtures'

/**
 * Issue 22, branch preview: the personalization template is published (Braze stubbed) and
 * gets 60 webhook deliveries; in the editor the confidence threshold moves from 0.7 to 0.9
 * (unsaved), and "Preview with recent events" replays those events against the draft: the
 * confidence edges show published → draft shares and the events that change path are listed.
 */
const SHOTS = '/tmp/shots'
const DELIVERIES = 60
const suffix = Date.now().toString(36)
const samples = new URL('../packages/engine/templates/samples/personalization/', import.meta.url)
const SAMPLES = [
  'page-email',
  'page-push',
  'purchase-email',
  'purchase-push',
  'signup-email',
  'identify-push',
].map((name) => JSON.parse(readFileSync(new URL(`${name}.json`, samples), 'utf8')) as Record<string, unknown>)

type Model = { nodes: { id: string; type?: string; config?: unknown }[]; edges: { id: string }[] }

test.describe.configure({ mode: 'serial', timeout: 180_000 })

async function ok<T>(call: Promise<{ data?: T; error?: { message: string } }>): Promise<T> {
  const r = await call
  if (r.error || r.data === undefined) throw new Error(r.error?.message ?? 'no data')
  return r.data
}

let braze: Server
test.beforeAll(async () => {
  braze = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: 'success', dispatch_id: 'e2e' }))
    })
  })
  await new Promise<void>((resolve) => braze.listen(0, '127.0.0.1', resolve))
  mkdirSync(SHOTS, { recursive: true })
})
test.afterAll(async () => {
  await new Promise((resolve) => braze?.close(resolve))
})

test('a draft moving the confidence threshold to 0.9, previewed with 60 recent events', async ({
  page,
  consoleErrors,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await signIn(page)
  const port = (braze.address() as AddressInfo).port
  const connection = await ok(
    trpc<{ id: string }>(page, 'connections.create', {
      name: `Braze preview ${suffix}`,
      type: 'braze',
      config: { restEndpoint: `http://127.0.0.1:${port}` },
      secret: 'braze-key-0123456789',
    }),
  )
  const workflowId = (
    await ok(trpc<{ id: string }>(page, 'workflows.create', { template: 'personalization' }))
  ).id
  const v1 = (
    await ok(trpc<{ version: { model: Model } }>(page, 'workflows.get', { id: workflowId }, 'query'))
  ).version.model
  const v2 = {
    ...v1,
    nodes: v1.nodes.map((n) =>
      n.type?.startsWith('braze-')
        ? { ...n, config: { ...(n.config as object), connectionId: connection.id } }
        : n,
    ),
  }
  await ok(
    trpc(page, 'workflows.save', { id: workflowId, baseVersion: 1, model: v2, message: 'Connect Braze' }),
  )
  await ok(trpc(page, 'workflows.publish', { id: workflowId, version: 2 }))

  for (let i = 0; i < DELIVERIES; i += 20) {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, j) => {
        const n = i + j
        const event = {
          ...SAMPLES[n % SAMPLES.length],
          userId: `pv-${suffix}-${n}`,
          messageId: `pv-${suffix}-${n}`,
        }
        return page.request.post(`/api/hooks/${workflowId}`, { data: event })
      }),
    )
    for (const a of answers) expect(a.status()).toBe(202)
  }
  const window = {
    workflowId,
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date().toISOString(),
  }
  await expect
    .poll(
      async () => {
        const a = await ok(
          trpc<{ runs: Record<string, number> }>(page, 'analytics.workflow', window, 'query'),
        )
        return a.runs.succeeded + a.runs.failed
      },
      { timeout: 90_000 },
    )
    .toBe(DELIVERIES)

  // The draft: both confidence branches move to 0.9, on the edges themselves, not saved.
  await page.goto(`/#/workflows/${workflowId}`)
  await waitForEditor(page)
  for (const [id, condition] of [
    ['n10->n11', '> 0.9'],
    ['n10->n12', '<= 0.9'],
  ]) {
    await page.getByTestId(`edge-label-${id}`).dblclick()
    const field = page.getByLabel('Branch condition')
    await field.fill(condition)
    await field.press('Enter')
    await expect(page.getByTestId(`edge-label-${id}`)).toHaveText(condition)
  }

  await page.getByTestId('analytics-toggle').click()
  await page.getByTestId('preview-start').click()
  await expect(page.getByRole('progressbar', { name: 'Preview progress' })).toBeVisible()
  await expect(page.getByTestId('preview-progress-text')).toContainText(
    `Replayed ${DELIVERIES} / ${DELIVERIES}`,
    {
      timeout: 90_000,
    },
  )

  // Fewer events clear the higher bar: the personalized share drops, the default one grows.
  const high = page.getByTestId('preview-edge-n10->n11')
  const low = page.getByTestId('preview-edge-n10->n12')
  const pct = (v: string | null) => Number((v ?? '').replace(/\D/g, ''))
  const [highBefore, highAfter] = [
    pct(await high.getAttribute('data-before')),
    pct(await high.getAttribute('data-after')),
  ]
  const [lowBefore, lowAfter] = [
    pct(await low.getAttribute('data-before')),
    pct(await low.getAttribute('data-after')),
  ]
  expect(highAfter).toBeLessThan(highBefore)
  expect(lowAfter).toBeGreaterThan(lowBefore)
  expect(highBefore + lowBefore).toBeGreaterThanOrEqual(99)
  await expect(high).toContainText(`${highBefore} % → ${highAfter} %`)

  // The events that would take the default content now, each with its dry run.
  const changed = page.getByTestId('preview-changed-event')
  expect(await changed.count()).toBeGreaterThan(0)
  await expect(changed.first()).toContainText('> 0.7')
  await expect(changed.first()).toContainText('<= 0.9')
  await page.screenshot({ path: `${SHOTS}/preview-editor.png` })
  await page.getByTestId('analytics-bar').screenshot({ path: `${SHOTS}/preview-bar.png` })

  const href = await changed.first().getByRole('link', { name: 'Open dry run' }).getAttribute('href')
  expect(href).toMatch(/^#\/runs\//)
  const run = await page.context().newPage()
  await run.setViewportSize({ width: 1440, height: 900 })
  await run.goto(`/${href}`)
  await expect(run.getByText(/dry run/i).first()).toBeVisible({ timeout: 20_000 })
  await run.screenshot({ path: `${SHOTS}/preview-dry-run.png` })
  await run.close()

  // A second preview, cancelled at once.
  await page.getByTestId('preview-close').click()
  await page.getByTestId('preview-start').click()
  await page.getByTestId('preview-cancel').click()
  await expect(page.getByTestId('preview-progress-text')).toContainText('Cancelled')
  await page.getByTestId('analytics-bar').screenshot({ path: `${SHOTS}/preview-cancelled.png` })
  expect(consoleErrors).toEqual([])
})
