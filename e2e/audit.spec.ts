import { mkdirSync, readFileSync } from 'node:fs'
import type { Browser, Page } from '@playwright/test'
import { admin, expect, signIn, test, trpc } from './fixtures'

/**
 * The read-only audit area against the real server: a viewer sees everything and changes
 * nothing; a diff shows exactly what changed; the log names who did it.
 */
type Model = {
  nodes: { id: string; label: string; group: string | null; shape: string; type?: string; config?: unknown }[]
  edges: { id: string; label?: string }[]
} & Record<string, unknown>

const suffix = Date.now().toString(36)
const viewer = { email: `viewer-${suffix}@flowline.test`, password: 'viewer-password-1' }
const editor = { email: `editor-${suffix}@flowline.test`, password: 'editor-password-1' }
const SHOTS = '/tmp/shots'
/** The first open of a canvas loads and runs the layout engine (elkjs): slow on a busy machine. */
const CANVAS_READY = 20_000
const pageEvent = (messageId: string) => ({
  type: 'page',
  name: 'Trail running shoes',
  userId: 'user-42',
  messageId,
  properties: { category: 'shoes', url: 'https://shop.example/trail' },
  context: { traits: { email: 'ada@example.com', firstName: 'Ada', preferred_channel: 'email' } },
})

let workflowId = ''
let testRunId = ''

async function signedIn(browser: Browser, baseURL: string, who: { email: string; password: string }) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  await signIn(page, who.email, who.password)
  return page
}

async function ok<T>(p: Promise<{ status: number; data?: T; error?: { code: string; message: string } }>) {
  const r = await p
  if (r.error) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.data as T
}

test.describe.configure({ mode: 'serial' })

test.beforeAll(async ({ browser }, info) => {
  test.setTimeout(120_000)
  const baseURL = info.project.use.baseURL!
  const adminPage = await signedIn(browser, baseURL, admin)
  await ok(trpc(adminPage, 'users.create', { ...viewer, role: 'viewer' }))
  await ok(trpc(adminPage, 'users.create', { ...editor, role: 'editor' }))
  await adminPage.context().close()

  // The editor makes the history: v1 from the template, v2 connects Braze (valid, published
  // and test-run), v3 adds a note, v4 swaps the note for another node, relabels n5 and
  // changes n10's "> 0.7" branch. A Segment event then makes a production run of v2.
  const ed = await signedIn(browser, baseURL, editor)
  // Braze calls of the live run go to this server, which answers 404: a fast, offline failure.
  const braze = await ok(
    trpc<{ id: string }>(ed, 'connections.create', {
      name: `Braze audit ${suffix}`,
      type: 'braze',
      config: { restEndpoint: `${baseURL}/braze-stub` },
      secret: 'braze-key-0123456789',
    }),
  )
  workflowId = (await ok(trpc<{ id: string }>(ed, 'workflows.create', { template: 'personalization' }))).id
  const v1 = (await ok(trpc<{ version: { model: Model } }>(ed, 'workflows.get', { id: workflowId }, 'query')))
    .version.model
  const v2: Model = {
    ...v1,
    nodes: v1.nodes.map((n) =>
      n.type?.startsWith('braze-')
        ? { ...n, config: { ...(n.config as object), connectionId: braze.id } }
        : n,
    ),
  }
  const note = (id: string, label: string) => ({
    id,
    group: null,
    shape: 'rectangle',
    label,
    type: 'transform',
    config: { vars: {} },
  })
  const v3: Model = { ...v2, nodes: [...v2.nodes, note('x_old', 'Legacy note')] }
  const v4: Model = {
    ...v3,
    nodes: [
      ...v3.nodes
        .filter((n) => n.id !== 'x_old')
        .map((n) => (n.id === 'n5' ? { ...n, label: 'Handle page visit' } : n)),
      note('x_new', 'Send SMS'),
    ],
    edges: v3.edges.map((e) => (e.id === 'n10->n11' ? { ...e, label: '> 0.8' } : e)),
  }
  const saves: [Model, string][] = [
    [v2, 'Connect Braze'],
    [v3, 'Add a legacy note'],
    [v4, 'Tune confidence'],
  ]
  for (const [i, [model, message]] of saves.entries())
    await ok(trpc(ed, 'workflows.save', { id: workflowId, baseVersion: i + 1, model, message }))
  await ok(trpc(ed, 'workflows.publish', { id: workflowId, version: 2 }))
  testRunId = (
    await ok(
      trpc<{ runId: string }>(ed, 'runs.start', { workflowId, version: 2, event: pageEvent('m-test') }),
    )
  ).runId
  const hook = await ed.request.post(`/api/hooks/${workflowId}`, { data: pageEvent(`m-prod-${suffix}`) })
  expect(hook.status()).toBe(202)
  const prodRunId = ((await hook.json()) as { runId: string }).runId
  for (const runId of [testRunId, prodRunId]) {
    await expect
      .poll(
        async () =>
          (await ok(trpc<{ run: { status: string } }>(ed, 'runs.get', { runId }, 'query'))).run.status,
        { timeout: 30_000 },
      )
      .not.toBe('running')
  }
  await ed.context().close()
  mkdirSync(SHOTS, { recursive: true })
})

const nodeEl = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`)
const transformOf = (page: Page, id: string) =>
  nodeEl(page, id).evaluate((el) => (el as HTMLElement).style.transform)

test('a viewer sees every audit view and can change nothing, on the canvas or through the API', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page, viewer.email, viewer.password)

  // Workflow list → version timeline.
  await page.getByTestId('nav-audit').click()
  const row = page.locator(`[data-testid="audit-workflow-row"][data-id="${workflowId}"]`)
  await expect(row).toBeVisible()
  await row.getByTestId('history-link').click()
  const timeline = page.getByTestId('version-timeline')
  await expect(timeline.getByTestId('version-item')).toHaveCount(4)
  const v2 = timeline.locator('[data-version="2"]')
  await expect(v2.getByTestId('published-badge')).toBeVisible()
  await expect(v2.getByTestId('version-author')).toHaveText(editor.email)
  await expect(v2).toContainText('Connect Braze')
  await expect(v2.getByTestId('validation')).toContainText('Valid')
  await expect(timeline.getByTestId('published-badge')).toHaveCount(1)
  await expect(timeline.locator('[data-version="4"]')).toContainText('Tune confidence')
  await expect(timeline.locator('[data-version="4"]').getByTestId('validation')).toContainText('error')
  // The viewer has no way into the editor from here.
  await expect(page.getByRole('link', { name: 'Open in editor' })).toHaveCount(0)

  // The latest version on the locked canvas.
  await expect(nodeEl(page, 'x_new')).toBeVisible({ timeout: CANVAS_READY })
  const nodes = page.locator('.react-flow__node')
  const edges = page.locator('.react-flow__edge')
  const nodeCount = await nodes.count()
  const edgeCount = await edges.count()
  expect(nodeCount).toBe(24) // 21 nodes + 3 groups
  const before = await transformOf(page, 'n5')

  // Drag a node.
  const box = (await nodeEl(page, 'n5').boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2 + 160, box.y + box.height / 2 + 90, { steps: 8 })
  await page.mouse.up()
  expect(await transformOf(page, 'n5')).toBe(before)

  // Connect: from n5's right side onto n6.
  const from = (await nodeEl(page, 'n5').boundingBox())!
  const to = (await nodeEl(page, 'n6').boundingBox())!
  await page.mouse.move(from.x + from.width - 1, from.y + from.height / 2)
  await page.mouse.down()
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 })
  await page.mouse.up()
  // Dragging on a locked canvas pans it; elements off screen are not rendered, so refit to count.
  const refit = () => page.locator('.react-flow__controls-fitview').click()
  await refit()
  await expect(edges).toHaveCount(edgeCount)

  // Select to inspect; Delete and Backspace remove nothing.
  await nodeEl(page, 'n8').click()
  const details = page.getByTestId('item-details')
  await expect(details.getByTestId('item-label')).toHaveText('POST to recommendation API')
  await expect(details.getByTestId('item-config')).toContainText('"method": "POST"')
  await expect(details.locator('input, textarea, select, [contenteditable]')).toHaveCount(0)
  await page.keyboard.press('Delete')
  await page.keyboard.press('Backspace')
  await page.locator('.react-flow__edge[data-id="n10->n11"]').click({ force: true })
  await page.keyboard.press('Delete')
  await refit()
  await expect(nodes).toHaveCount(nodeCount)
  await expect(edges).toHaveCount(edgeCount)
  await expect(nodeEl(page, 'n8')).toBeVisible()
  expect(await transformOf(page, 'n5')).toBe(before)
  // No palette, no editing inspector in the audit area.
  await expect(page.getByTestId('palette-item-http-request')).toHaveCount(0)

  // An older version, a diff, the runs list, a run and the log all render.
  await timeline.locator('[data-version="1"] button').first().click()
  // The selected edge stays selected across versions; back to the version's own details.
  await expect(page.getByTestId('item-details')).toHaveAttribute('data-id', 'n10->n11')
  await page.getByRole('button', { name: '← Version details' }).click()
  await expect(page.getByTestId('version-summary')).toContainText('Version 1')
  await expect(nodeEl(page, 'x_new')).toHaveCount(0)
  await page.getByTestId('diff-prev-4').click()
  await expect(page.getByTestId('change-item')).toHaveCount(4)
  await page.getByTestId('nav-runs').click()
  const runRow = page.locator(`[data-testid="run-row"][data-id="${testRunId}"]`)
  await expect(runRow).toBeVisible()
  await runRow.getByTestId('run-status').click()
  await expect(page).toHaveURL(new RegExp(`#/runs/${testRunId}$`))
  await expect(page.getByTestId('run-page')).toBeVisible({ timeout: CANVAS_READY })
  await expect(page.getByTestId('step-row-n8')).toBeVisible()
  await page.getByTestId('nav-audit').click()
  await page.getByTestId('audit-tab-log').click()
  await expect(page.getByTestId('audit-row').first()).toBeVisible()

  // Every mutation through the API is refused and changes nothing.
  const snapshot = async () => ({
    workflows: (await ok(trpc(page, 'workflows.list', { includeArchived: true }, 'query'))) as unknown,
    versions: (await ok(trpc(page, 'versions.list', { workflowId }, 'query'))) as unknown,
    runs: (await ok(trpc(page, 'runs.list', { workflowId }, 'query'))) as unknown,
  })
  const state = await snapshot()
  const model = (
    await ok(trpc<{ version: { model: Model } }>(page, 'workflows.get', { id: workflowId }, 'query'))
  ).version.model
  const attempts: [string, unknown][] = [
    ['workflows.create', { template: 'personalization' }],
    ['workflows.create', { title: 'Sneaky' }],
    ['workflows.save', { id: workflowId, baseVersion: 4, model, message: 'sneaky' }],
    ['workflows.publish', { id: workflowId, version: 1 }],
    ['workflows.unpublish', { id: workflowId }],
    ['workflows.archive', { id: workflowId }],
    ['workflows.duplicate', { id: workflowId }],
    ['workflows.setWebhookSecret', { id: workflowId, secret: 'a-long-secret' }],
    ['runs.start', { workflowId, event: pageEvent('m-viewer') }],
    ['users.create', { email: `x-${suffix}@flowline.test`, password: 'long-enough-1', role: 'admin' }],
  ]
  for (const [path, input] of attempts) {
    const r = await trpc(page, path, input)
    expect(r.error?.code, path).toBe('FORBIDDEN')
    expect(r.status, path).toBe(403)
  }
  expect(await snapshot()).toEqual(state)
  expect(consoleErrors).toEqual([])
})

test('a diff shows exactly the added, removed, relabelled and re-conditioned items, in their colours', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page, viewer.email, viewer.password)
  await page.goto(`/#/audit/workflows/${workflowId}/diff/3/4`)
  await expect(nodeEl(page, 'x_new')).toBeVisible({ timeout: CANVAS_READY })

  const marked = page.locator('.react-flow__node[data-diff]:not([data-diff="none"])')
  await expect(marked).toHaveCount(3)
  await expect(nodeEl(page, 'x_new')).toHaveAttribute('data-diff', 'added')
  await expect(nodeEl(page, 'x_old')).toHaveAttribute('data-diff', 'removed')
  await expect(nodeEl(page, 'n5')).toHaveAttribute('data-diff', 'changed')
  await expect(nodeEl(page, 'n5')).toContainText('Handle page visit')
  // The removed node is still drawn, ghosted, where it was.
  await expect(nodeEl(page, 'x_old')).toContainText('Legacy note')
  const changedEdges = page.locator('.react-flow__edge[data-diff]:not([data-diff="none"])')
  await expect(changedEdges).toHaveCount(1)
  await expect(page.locator('.react-flow__edge[data-id="n10->n11"]')).toHaveAttribute('data-diff', 'changed')
  await expect(page.getByTestId('edge-label-n10->n11')).toContainText('> 0.8')

  // Colours as drawn: green added, red removed (ghosted), amber changed — edges as nodes.
  const outline = (id: string) => nodeEl(page, id).locator('[data-diff] > div.absolute').first()
  await expect(outline('x_new')).toHaveClass(/border-emerald-500/)
  await expect(outline('x_old')).toHaveClass(/border-red-500/)
  await expect(outline('x_old')).toHaveClass(/border-dashed/)
  await expect(outline('n5')).toHaveClass(/border-amber-500/)
  const amber = await outline('n5').evaluate((el) => getComputedStyle(el).borderTopColor)
  const stroke = await page
    .locator('.react-flow__edge[data-id="n10->n11"] path.react-flow__edge-path')
    .evaluate((el) => getComputedStyle(el).stroke)
  expect(stroke).toBe(amber)
  expect(
    await nodeEl(page, 'x_old')
      .locator('[data-diff] > div')
      .first()
      .evaluate((el) => getComputedStyle(el).opacity),
  ).toBe('0.5')

  // The side panel lists exactly the four, field by field.
  const items = page.getByTestId('change-item')
  await expect(items).toHaveCount(4)
  const listed = await items.evaluateAll((els) =>
    els.map(
      (el) => `${el.getAttribute('data-kind')}:${el.getAttribute('data-id')}:${el.getAttribute('data-diff')}`,
    ),
  )
  expect(listed.sort()).toEqual([
    'edge:n10->n11:changed',
    'node:n5:changed',
    'node:x_new:added',
    'node:x_old:removed',
  ])
  const n5 = items.filter({ has: page.locator('[data-field="label"]') })
  await expect(n5).toContainText('Handle page view')
  await expect(n5).toContainText('Handle page visit')
  const condition = page.locator('[data-testid="change-item"][data-id="n10->n11"] [data-field="condition"]')
  await expect(condition).toContainText('> 0.7')
  await expect(condition).toContainText('> 0.8')
  await expect(page.getByTestId('diff-count-added')).toContainText('1 added')
  await expect(page.getByTestId('diff-count-removed')).toContainText('1 removed')
  await expect(page.getByTestId('diff-count-changed')).toContainText('2 changed')
  await page.screenshot({ path: `${SHOTS}/audit-diff.png` })
  // Picking a change brings it into view and selects it.
  await page.locator('[data-testid="change-item"][data-id="n10->n11"] button').click()
  await expect(page.locator('.react-flow__edge[data-id="n10->n11"]')).toHaveClass(/selected/)
  await page.waitForTimeout(400) // the pan/zoom animation
  await page.screenshot({ path: `${SHOTS}/audit-diff-focus.png` })

  // The notation diff as text.
  await page.getByTestId('diff-tab-notation').click()
  const text = page.getByTestId('notation-diff')
  await expect(text.locator('[data-kind="add"]', { hasText: 'label:"Handle page visit"' })).toHaveCount(1)
  await expect(text.locator('[data-kind="del"]', { hasText: 'label:"Handle page view"' })).toHaveCount(1)
  await expect(text.locator('[data-kind="add"]', { hasText: '[label="> 0.8"]' })).toHaveCount(1)
  await page.screenshot({ path: `${SHOTS}/audit-diff-notation.png` })
  expect(consoleErrors).toEqual([])
})

test('the audit log names who saved, published and test-ran, and exports it', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page, viewer.email, viewer.password)
  await page.goto(`/#/audit/log?workflow=${workflowId}`)
  const rows = page.getByTestId('audit-row')
  await expect(rows).toHaveCount(6)
  const seen = await rows.evaluateAll((els) =>
    els.map((el) => `${el.getAttribute('data-action')} by ${el.getAttribute('data-actor')}`),
  )
  expect(seen).toEqual([
    `run.test by ${editor.email}`,
    `workflow.publish by ${editor.email}`,
    `workflow.save by ${editor.email}`,
    `workflow.save by ${editor.email}`,
    `workflow.save by ${editor.email}`,
    `workflow.create by ${editor.email}`,
  ])
  await expect(rows.first().getByTestId('audit-run-link')).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/audit-log.png` })

  // Filter by action through the UI.
  await page.getByLabel('Action').selectOption('workflow.save')
  await expect(rows).toHaveCount(3)
  await expect(page).toHaveURL(/action=workflow.save/)

  // Export what the filter shows.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
  const csvText = readFileSync((await csv.path())!, 'utf8')
    .trim()
    .split('\r\n')
  expect(csvText[0]).toBe('id,at,actor,action,workflowId,workflowTitle,details')
  expect(csvText.slice(1).map((l) => l.split(',')[3])).toEqual([
    'workflow.save',
    'workflow.save',
    'workflow.save',
  ])
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()])
  const entries = JSON.parse(readFileSync((await json.path())!, 'utf8')) as {
    actor: string
    workflowTitle: string
  }[]
  expect(entries).toHaveLength(3)
  expect(
    entries.every((e) => e.actor === editor.email && e.workflowTitle === 'Real-time personalization'),
  ).toBe(true)
  expect(consoleErrors).toEqual([])
})

test('editors reach history and runs from the editor; runs filter by kind and show the event', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page, editor.email, editor.password)
  await page.goto(`/#/workflows/${workflowId}`)
  await page.getByTestId('link-history').click()
  await expect(page.getByTestId('history-page')).toBeVisible()
  await expect(page.getByTestId('version-item')).toHaveCount(4)
  await expect(nodeEl(page, 'n1')).toBeVisible({ timeout: CANVAS_READY })
  await page.screenshot({ path: `${SHOTS}/audit-timeline.png` })

  await page.goto(`/#/workflows/${workflowId}`)
  await page.getByTestId('link-runs').click()
  await expect(page.getByTestId('run-row')).toHaveCount(2)
  await page.getByLabel('Kind').selectOption('production')
  await expect(page.getByTestId('run-row')).toHaveCount(1)
  await page.getByLabel('Version').fill('3')
  await expect(page.getByText('No run matches these filters.')).toBeVisible()
  await page.getByLabel('Version').fill('2')
  await expect(page.getByTestId('run-row')).toHaveCount(1)
  await page.screenshot({ path: `${SHOTS}/audit-runs.png` })
  await page.getByTestId('run-row').getByTestId('run-status').click()
  // A production run shows the incoming Segment event and each step's output.
  await expect(page.getByTestId('run-page')).toBeVisible({ timeout: CANVAS_READY })
  await page.getByTestId('step-row-n8').click()
  await expect(page.getByTestId('step-details')).toHaveAttribute('data-node', 'n8')
  await expect(page.getByTestId('step-output')).toContainText('status')
  await page.screenshot({ path: `${SHOTS}/audit-run.png` })
  await page.getByRole('tab', { name: 'Event and mocks' }).click()
  await expect(page.getByText(`m-prod-${suffix}`).first()).toBeVisible()
  expect(consoleErrors).toEqual([])
})
