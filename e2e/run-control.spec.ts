import type { Browser, Page } from '@playwright/test'
import { expect as baseExpect, signIn, test, trpc } from './fixtures'

/**
 * Cancel and retry against the real server: a live run suspends at an hour-long wait, a
 * person cancels it from the run page, retries it, and the retry links back to the first.
 * Viewers see the statuses but neither button.
 */
const expect = baseExpect.configure({ timeout: 15_000 })
/** The first open of a canvas loads and runs the layout engine (elkjs): slow on a busy machine. */
const CANVAS_READY = 20_000
const SHOTS = '/tmp/shots'
const suffix = Date.now().toString(36)
const viewer = { email: `rc-viewer-${suffix}@flowline.test`, password: 'viewer-password-1' }

const WAIT_AN_HOUR = `Wait an hour ${suffix}
A live run suspends at the wait step; dry test runs skip it on a virtual clock.
n1: circle label:"Start" type:start config:{}
n2: rectangle label:"Wait an hour" type:wait config:{"duration": "1h"}
n3: circle label:"End" type:end config:{}
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left)
`

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`)

async function ok<T>(p: Promise<{ data?: T; error?: { code: string; message: string } }>): Promise<T> {
  const r = await p
  if (r.error || r.data === undefined)
    throw new Error(r.error ? `${r.error.code}: ${r.error.message}` : 'no data')
  return r.data
}

async function signedIn(browser: Browser, baseURL: string, who: { email: string; password: string }) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  await signIn(page, who.email, who.password)
  return page
}

async function openRunPage(page: Page, runId: string) {
  await page.goto(`/#/runs/${runId}`)
  await expect(page.getByTestId('run-page')).toBeVisible({ timeout: CANVAS_READY })
}

test('a waiting live run is cancelled from its page, retried, and the retry links back', async ({
  page,
  browser,
  consoleErrors,
}, info) => {
  test.setTimeout(120_000)
  await signIn(page)
  const { id: workflowId } = await ok(
    trpc<{ id: string }>(page, 'workflows.create', { notation: WAIT_AN_HOUR, file: 'wait.flow' }),
  )

  // A live run from the editor stops at the wait, and says until when.
  await page.goto(`/#/workflows/${workflowId}`)
  await expect(node(page, 'n2')).toBeVisible({ timeout: CANVAS_READY })
  await page.getByTestId('panel-tab-run').click()
  await page.getByTestId('run-live').click()
  await page.getByTestId('live-run-confirm').click()
  const summary = page.getByTestId('run-status')
  await expect(summary).toHaveAttribute('data-status', 'waiting')
  await expect(summary).toContainText(/Waiting\s*until/)
  await expect(node(page, 'n2').locator('[data-trace]')).toHaveAttribute('data-trace', 'waiting')
  await expect(page.getByTestId('node-duration-n2')).toContainText('waiting until')
  // What comes after the wait has not run yet: pending, not missed.
  await expect(node(page, 'n3').locator('[data-trace]')).toHaveAttribute('data-trace', 'pending')

  // Editors can cancel it right here too.
  await expect(page.getByTestId('run-panel').getByRole('button', { name: 'Cancel run' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/editor-run-waiting.png` })

  await page.getByTestId('run-segment-history').click()
  const row = page.getByTestId('run-history-row').first()
  await expect(row).toHaveAttribute('data-status', 'waiting')
  const firstRunId = (await row.getAttribute('data-run-id'))!

  // The run page: waiting, with Cancel and without Retry.
  await openRunPage(page, firstRunId)
  const status = page.getByTestId('run-page-status')
  await expect(status).toHaveAttribute('data-status', 'waiting')
  await expect(status).toContainText(/Waiting\s*until/)
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0)
  await page.screenshot({ path: `${SHOTS}/run-waiting.png` })

  // Cancelling asks first; keeping it going changes nothing.
  await page.getByRole('button', { name: 'Cancel run' }).click()
  const dialog = page.getByRole('dialog', { name: 'Cancel this run?' })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Keep it going' }).click()
  await expect(dialog).toHaveCount(0)
  await expect(status).toHaveAttribute('data-status', 'waiting')

  await page.getByRole('button', { name: 'Cancel run' }).click()
  await dialog.getByTestId('run-cancel-confirm').click()
  await expect(status).toHaveAttribute('data-status', 'cancelled')
  await expect(status).toHaveText('Cancelled')
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'cancelled')
  await expect(page.getByTestId('step-row-n2')).toHaveAttribute('data-status', 'cancelled')
  await expect(page.getByRole('button', { name: 'Cancel run' })).toHaveCount(0)
  await page.screenshot({ path: `${SHOTS}/run-cancelled.png` })

  // Retrying a run that sent for real asks first, then shows the new run.
  await page.getByRole('button', { name: 'Retry' }).click()
  await page.getByRole('dialog', { name: 'Retry and send again?' }).getByTestId('run-retry-confirm').click()
  await expect(page).not.toHaveURL(new RegExp(`#/runs/${firstRunId}$`))
  await expect(page).toHaveURL(/#\/runs\/[^/]+$/)
  const retryId = decodeURIComponent(new URL(page.url()).hash.replace('#/runs/', ''))
  expect(retryId).not.toBe(firstRunId)
  await expect(page.getByTestId('run-page')).toBeVisible({ timeout: CANVAS_READY })
  await expect(status).toHaveAttribute('data-status', 'waiting')
  await expect(page.getByTestId('live-run-banner')).toBeVisible()
  const retryOf = page.getByTestId('run-retry-of')
  await expect(retryOf).toContainText(`Retry of ${firstRunId.slice(-8)}`)
  await page.screenshot({ path: `${SHOTS}/run-retry.png` })

  // The link leads back to the first run, still cancelled.
  await retryOf.getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`#/runs/${firstRunId}$`))
  await expect(status).toHaveAttribute('data-status', 'cancelled')

  // The runs list shows both, and filters by the new statuses.
  await page.goto(`/#/runs?workflow=${workflowId}`)
  await expect(page.getByTestId('run-row')).toHaveCount(2)
  await page.screenshot({ path: `${SHOTS}/runs-list-statuses.png` })
  await page.getByLabel('Status').selectOption('waiting')
  const waitingRow = page.locator(`[data-testid="run-row"][data-id="${retryId}"]`)
  await expect(waitingRow.getByTestId('run-status')).toContainText(/Waiting\s*until/)
  await expect(page.getByTestId('run-row')).toHaveCount(1)
  await page.getByLabel('Status').selectOption('cancelled')
  await expect(page.locator(`[data-testid="run-row"][data-id="${firstRunId}"]`)).toBeVisible()
  await expect(page.getByTestId('run-row')).toHaveCount(1)

  // A viewer sees the statuses but cannot cancel or retry.
  await ok(trpc(page, 'users.create', { ...viewer, role: 'viewer' }))
  const viewerPage = await signedIn(browser, info.project.use.baseURL!, viewer)
  await openRunPage(viewerPage, retryId)
  await expect(viewerPage.getByTestId('run-page-status')).toHaveAttribute('data-status', 'waiting')
  await expect(viewerPage.getByTestId('run-controls')).toHaveCount(0)
  await openRunPage(viewerPage, firstRunId)
  await expect(viewerPage.getByTestId('run-page-status')).toHaveAttribute('data-status', 'cancelled')
  await expect(viewerPage.getByRole('button', { name: 'Retry' })).toHaveCount(0)
  expect((await trpc(viewerPage, 'runs.cancel', { runId: retryId })).error?.code).toBe('FORBIDDEN')
  await viewerPage.context().close()

  // Leave nothing waiting behind.
  await ok(trpc(page, 'runs.cancel', { runId: retryId }))
  expect(consoleErrors).toEqual([])
})
