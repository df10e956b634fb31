import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { Page } from '@playwright/test'
import { expect, newPage, waitForEditor } from './editor-helpers'
import { signIn, test, trpc } from './fixtures'
import {
  deliverPricingTraffic,
  deliverSamples,
  ok,
  publishPersonalization,
  publishTemplate,
  startStubBraze,
} from './traffic'

/**
 * Issue 22: the seed personalization template, published with a stub Braze, gets 200
 * webhook deliveries; the Analytics toggle then shows how many runs reached each step and
 * took each branch, and the numbers add up (every branch of a decision sums to the runs
 * that reached it). Screenshots land in SHOTS.
 */
const SHOTS = '/tmp/shots'
/** The A/B panel's screenshots (issue 22, conversions per variant). */
const SHOTS_AB = '/tmp/shots-22'
const DELIVERIES = 200
const suffix = Date.now().toString(36)

test.describe.configure({ mode: 'serial', timeout: 180_000 })

let braze: Server
let workflowId: string
test.beforeAll(async () => {
  braze = await startStubBraze()
  mkdirSync(SHOTS, { recursive: true })
  mkdirSync(SHOTS_AB, { recursive: true })
})
test.afterAll(async () => {
  await new Promise((resolve) => braze?.close(resolve))
})

const count = (page: Page, testId: string, attr: string) =>
  page
    .getByTestId(testId)
    .first()
    .getAttribute(attr)
    .then((v) => Number(v))

test('the personalization template after 200 deliveries: the numbers on the canvas add up', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  workflowId = await publishPersonalization(page, braze, `Braze analytics ${suffix}`)

  await deliverSamples(page, workflowId, DELIVERIES, `user-${suffix}`)

  // The editor: Analytics on, the last hour.
  await page.goto(`/#/workflows/${workflowId}`)
  await waitForEditor(page)
  await page.getByTestId('analytics-toggle').click()
  await expect(page.getByTestId('analytics-toggle')).toHaveAttribute('aria-pressed', 'true')
  await page.getByTestId('analytics-window').selectOption('hour')
  await expect(page.getByTestId('analytics-total-succeeded')).toHaveAttribute(
    'data-count',
    String(DELIVERIES),
  )
  await expect(page.getByTestId('analytics-node-n1')).toHaveAttribute('data-reached', String(DELIVERIES))

  // Confidence: personalized + default = every run that reached the decision.
  const personalized = await count(page, 'analytics-edge-n10->n11', 'data-count')
  const fallback = await count(page, 'analytics-edge-n10->n12', 'data-count')
  expect(personalized + fallback).toBe(await count(page, 'analytics-node-n10', 'data-succeeded'))
  expect(personalized + fallback).toBe(DELIVERIES)
  expect(personalized).toBeGreaterThan(0)
  expect(fallback).toBeGreaterThan(0)
  const share = Number(await page.getByTestId('analytics-edge-n10->n11').getAttribute('data-share'))
  expect(share).toBeCloseTo(personalized / DELIVERIES)
  await expect(page.getByTestId('analytics-edge-n10->n11')).toContainText(`${Math.round(share * 100)} %`)

  // Event type: page + purchase + signup = 200; channel: email + push = 200; all end at n20.
  const branches = async (ids: string[]) => {
    let sum = 0
    for (const id of ids) sum += await count(page, `analytics-edge-${id}`, 'data-count')
    return sum
  }
  expect(await branches(['n4->n5', 'n4->n6', 'n4->n7'])).toBe(DELIVERIES)
  expect(await branches(['n17->n18', 'n17->n19'])).toBe(DELIVERIES)
  await expect(page.getByTestId('analytics-node-n20')).toHaveAttribute('data-completions', String(DELIVERIES))
  await page.screenshot({ path: `${SHOTS}/analytics-editor.png` })
  // The volume chart over the last 24 hours: every run in the current hour.
  await page.getByTestId('analytics-window').selectOption('day')
  await page.getByTestId('analytics-chart-toggle').click()
  await expect(page.getByTestId('volume-chart').locator('canvas')).toBeVisible()
  await page.getByTestId('analytics-bar').screenshot({ path: `${SHOTS}/analytics-volume.png` })

  // Off again: the numbers leave the canvas.
  await page.getByTestId('analytics-toggle').click()
  await expect(page.getByTestId('analytics-node-n1')).toHaveCount(0)
  expect(consoleErrors).toEqual([])
})

test('the audit view shows the same numbers for the published version', async ({ page, consoleErrors }) => {
  await signIn(page)
  await page.goto(`/#/audit/workflows/${workflowId}`)
  await expect(page.getByTestId('readonly-canvas')).toBeVisible({ timeout: 30_000 })
  await page.getByTestId('analytics-toggle').click()
  await page.getByTestId('analytics-version').selectOption('2')
  await expect(page.getByTestId('analytics-node-n1')).toHaveAttribute('data-reached', String(DELIVERIES))
  const personalized = await count(page, 'analytics-edge-n10->n11', 'data-count')
  const fallback = await count(page, 'analytics-edge-n10->n12', 'data-count')
  expect(personalized + fallback).toBe(DELIVERIES)
  await page.screenshot({ path: `${SHOTS}/analytics-audit.png` })
  expect(consoleErrors).toEqual([])
})

/** start → A/B split (a / b) → one significance test on fixed counts → end. */
function experimentModel() {
  const n = (id: string, type: string, shape: string, config: unknown, x: number, y: number) => ({
    id,
    group: null,
    shape,
    label: id === 'sig' ? 'Test conversion rates' : id === 'split' ? 'Split 50/50' : id,
    type,
    config,
    position: { x, y },
  })
  const e = (source: string, target: string, label?: string) => ({
    id: `${source}->${target}`,
    source,
    sourceHandle: 'right',
    target,
    targetHandle: 'left',
    ...(label ? { label } : {}),
  })
  return {
    title: `Pricing experiment ${suffix}`,
    description: '',
    groups: [],
    nodes: [
      n('start', 'start', 'circle', {}, 0, 100),
      n(
        'split',
        'ab-split',
        'diamond',
        {
          variants: [
            { label: 'a', weight: 50 },
            { label: 'b', weight: 50 },
          ],
          key: 'event.userId',
        },
        160,
        80,
      ),
      n('showA', 'transform', 'rectangle', { vars: { variant: '"a"' } }, 340, 0),
      n('showB', 'transform', 'rectangle', { vars: { variant: '"b"' } }, 340, 180),
      n(
        'sig',
        'significance',
        'rectangle',
        { a: { conversions: '30', exposures: '400' }, b: { conversions: '52', exposures: '410' } },
        560,
        90,
      ),
      n('end', 'end', 'circle', {}, 780, 100),
    ],
    edges: [
      e('start', 'split'),
      e('split', 'showA', 'a'),
      e('split', 'showB', 'b'),
      e('showA', 'sig'),
      e('showB', 'sig'),
      e('sig', 'end'),
    ],
  }
}

test('an experiment: exposures per variant over time, and the latest p-value with lift and interval', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  const id = (await ok(trpc<{ id: string }>(page, 'workflows.create', { model: experimentModel() }))).id
  await ok(trpc(page, 'workflows.publish', { id, version: 1 }))
  for (let i = 0; i < 40; i++) {
    const answer = await page.request.post(`/api/hooks/${id}`, {
      data: {
        type: 'track',
        event: 'Pricing Viewed',
        userId: `ab-${suffix}-${i}`,
        messageId: `ab-${suffix}-${i}`,
      },
    })
    expect(answer.status()).toBe(202)
  }
  const window = {
    workflowId: id,
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date().toISOString(),
  }
  await expect
    .poll(
      async () =>
        (await ok(trpc<{ runs: { succeeded: number } }>(page, 'analytics.workflow', window, 'query'))).runs
          .succeeded,
      {
        timeout: 60_000,
      },
    )
    .toBe(40)

  await page.goto(`/#/workflows/${id}`)
  await waitForEditor(page)
  await page.getByTestId('analytics-toggle').click()
  await page.getByTestId('analytics-chart-toggle').click()
  const split = page.getByTestId('split-results-split')
  await expect(split).toContainText('a')
  const a = await count(page, 'analytics-edge-split->showA', 'data-count')
  const b = await count(page, 'analytics-edge-split->showB', 'data-count')
  expect(a + b).toBe(40)
  // No step after the split is a conversion (the significance test is passed by every run).
  await expect(page.getByTestId('split-goal-missing-split')).toContainText(
    'Choose the step that counts as a conversion',
  )
  await expect(page.getByTestId('split-variant-split-a')).toHaveAttribute('data-exposures', String(a))
  await expect(page.getByTestId('split-variant-split-a')).not.toHaveAttribute('data-conversions')
  // 30/400 against 52/410: p ≈ 0.015, a significant lift for b.
  await expect(page.getByTestId('significance-sig')).toContainText('p = 0.01')
  await expect(page.getByTestId('significance-sig')).toContainText('95 % CI')
  await expect(page.getByTestId('significance-sig')).toContainText('winner: b')
  await page.screenshot({ path: `${SHOTS}/analytics-experiment.png` })
  await split.screenshot({ path: `${SHOTS_AB}/no-conversion-step.png` })
  expect(consoleErrors).toEqual([])
})

test('the A/B template: exposures, conversions and conversion rate per variant, by the step chosen', async ({
  page,
  browser,
  baseURL,
  consoleErrors,
}) => {
  await signIn(page)
  const id = await publishTemplate(page, braze, `Pricing A/B ${suffix}`, 'ab-test')
  // 150 users see the pricing page, 50 of them upgrade: 200 deliveries.
  const { deliveries, expected } = await deliverPricingTraffic(page, id, 150, `ab-user-${suffix}`)
  expect(deliveries).toBe(DELIVERIES)

  await page.goto(`/#/workflows/${id}`)
  await waitForEditor(page)
  await page.getByTestId('analytics-toggle').click()
  await page.getByTestId('analytics-window').selectOption('hour')
  await page.getByTestId('analytics-chart-toggle').click()
  const panel = page.getByTestId('split-results-n5')
  // Found by its name: "Count conversion", not the "Exposure or conversion?" question before it.
  await expect(page.getByTestId('split-goal-n5')).toHaveValue('n11')
  await expect(page.getByTestId('split-goal-n5').locator('option:checked')).toHaveText('Count conversion')
  // Every "Plan Upgraded" counts once, for the variant its user was given.
  for (const variant of ['monthly', 'annual'] as const) {
    const row = page.getByTestId(`split-variant-n5-${variant}`)
    const { exposures, conversions } = expected[variant]
    await expect(row).toHaveAttribute('data-exposures', String(exposures))
    await expect(row).toHaveAttribute('data-conversions', String(conversions))
    await expect(row).toContainText(`${((conversions / exposures) * 100).toFixed(1)} %`)
    // The exposures are the variant edge's count on the canvas.
    expect(await count(page, `analytics-edge-n5->${variant === 'monthly' ? 'n6' : 'n7'}`, 'data-count')).toBe(
      exposures,
    )
  }
  expect(expected.monthly.conversions + expected.annual.conversions).toBe(50)
  await expect(page.getByTestId('split-metric-n5-conversions')).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByTestId('split-chart-n5').locator('canvas')).toBeVisible()
  await page.screenshot({ path: `${SHOTS_AB}/ab-panel-1440x900.png` })
  await page.getByTestId('analytics-bar').screenshot({ path: `${SHOTS_AB}/ab-panel-bar.png` })
  await page.getByTestId('split-metric-n5-exposures').click()
  await expect(page.getByTestId('split-metric-n5-exposures')).toHaveAttribute('aria-pressed', 'true')
  await panel.screenshot({ path: `${SHOTS_AB}/ab-panel-exposures.png` })

  // Another conversion step: "Count exposure" is reached by the page views only.
  await page.getByTestId('split-goal-n5').selectOption({ label: 'Count exposure' })
  for (const variant of ['monthly', 'annual'] as const) {
    const { exposures, conversions } = expected[variant]
    await expect(page.getByTestId(`split-variant-n5-${variant}`)).toHaveAttribute(
      'data-conversions',
      String(exposures - conversions),
    )
  }
  // The choice is remembered for this workflow.
  await page.reload()
  await waitForEditor(page)
  await page.getByTestId('analytics-toggle').click()
  await page.getByTestId('analytics-window').selectOption('hour')
  await page.getByTestId('analytics-chart-toggle').click()
  await expect(page.getByTestId('split-goal-n5')).toHaveValue('n9')
  await page.getByTestId('split-goal-n5').selectOption('n11')
  await expect(page.getByTestId('split-variant-n5-annual')).toHaveAttribute(
    'data-conversions',
    String(expected.annual.conversions),
  )
  await page.setViewportSize({ width: 1280, height: 720 })
  await expect(page.getByTestId('split-variant-n5-annual')).toBeInViewport()
  await page.screenshot({ path: `${SHOTS_AB}/ab-panel-1280x720.png` })
  await page.setViewportSize({ width: 1440, height: 900 })

  // A viewer's audit view (read-only canvas) shows the same per variant, at both sizes.
  const viewer = { email: `ab-viewer-${suffix}@flowline.test`, password: 'viewer-password-1' }
  await ok(trpc(page, 'users.create', { ...viewer, role: 'viewer' }))
  const v = await newPage(browser, baseURL)
  await signIn(v.page, viewer.email, viewer.password)
  await v.page.goto(`/#/audit/workflows/${id}`)
  await expect(v.page.getByTestId('readonly-canvas')).toBeVisible({ timeout: 30_000 })
  await v.page.getByTestId('analytics-toggle').click()
  await v.page.getByTestId('analytics-window').selectOption('hour')
  await v.page.getByTestId('analytics-chart-toggle').click()
  for (const variant of ['monthly', 'annual'] as const)
    await expect(v.page.getByTestId(`split-variant-n5-${variant}`)).toHaveAttribute(
      'data-conversions',
      String(expected[variant].conversions),
    )
  await v.page.screenshot({ path: `${SHOTS_AB}/ab-panel-audit-viewer.png` })
  await v.page.setViewportSize({ width: 1280, height: 720 })
  await expect(v.page.getByTestId('split-variant-n5-annual')).toBeInViewport()
  await v.page.screenshot({ path: `${SHOTS_AB}/ab-panel-audit-viewer-1280x720.png` })
  expect(v.errors).toEqual([])
  expect(consoleErrors).toEqual([])
})
