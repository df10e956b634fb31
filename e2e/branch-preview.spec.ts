import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import { expect, waitForEditor } from './editor-helpers'
import { signIn, test } from './fixtures'
import { deliverSamples, holdBraze, postSamples, publishPersonalization, startStubBraze } from './traffic'

/**
 * Issue 22, branch preview: the personalization template is published (Braze stubbed) and
 * gets 60 webhook deliveries; in the editor the confidence threshold moves from 0.7 to 0.9
 * (unsaved), and "Preview with recent events" replays those events against the draft: the
 * confidence edges show published → draft shares and the events that change path are listed.
 */
const SHOTS = '/tmp/shots'
const DELIVERIES = 60
const suffix = Date.now().toString(36)

test.describe.configure({ mode: 'serial', timeout: 180_000 })

let braze: Server
test.beforeAll(async () => {
  braze = await startStubBraze()
  mkdirSync(SHOTS, { recursive: true })
})
test.afterAll(async () => {
  braze?.closeAllConnections() // answers still held when a test failed
  await new Promise((resolve) => braze?.close(resolve))
})

test('a draft moving the confidence threshold to 0.9, previewed with 60 recent events', async ({
  page,
  consoleErrors,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await signIn(page)
  const workflowId = await publishPersonalization(page, braze, `Braze preview ${suffix}`)

  await deliverSamples(page, workflowId, DELIVERIES, `pv-${suffix}`)

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

  // A second preview while live runs are busy (Braze holds 20 of them in flight): it waits
  // behind them, and is cancelled there. (60 events replay in well under a second otherwise.)
  const release = holdBraze(braze)
  await postSamples(page, workflowId, 20, `pv-busy-${suffix}`)
  await page.getByTestId('preview-close').click()
  await page.getByTestId('preview-start').click()
  await expect(page.getByTestId('preview-progress-text')).toContainText(
    `Replaying 0 / ${DELIVERIES} events of version 2 · paused while live runs go first`,
  )
  await page.getByTestId('analytics-bar').screenshot({ path: `${SHOTS}/preview-paused.png` })
  await page.getByTestId('preview-cancel').click()
  await expect(page.getByTestId('preview-progress-text')).toHaveText(
    `Cancelled at 0 / ${DELIVERIES} events of version 2`,
  )
  await expect(page.getByTestId('preview-close')).toBeVisible()
  await page.getByTestId('analytics-bar').screenshot({ path: `${SHOTS}/preview-cancelled.png` })
  release()
  expect(consoleErrors).toEqual([])
})
