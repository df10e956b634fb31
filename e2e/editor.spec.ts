import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import type { Browser, Page } from '@playwright/test'
import type { Workflow } from '../packages/engine/src/model/schema'
import {
  canvasEdges,
  collectConsoleErrors,
  connect,
  createBlank,
  dropFromPalette,
  edgesBehindNodes,
  expect,
  exportFlow,
  fixturePath,
  flowNodes,
  groupNodes,
  importFile,
  node,
  openTemplate,
  parseFlow,
  renameNodeOnCanvas,
  saveWithMessage,
  waitForEditor,
  withoutPositions,
  workflowIdOf,
} from './editor-helpers'
import { signIn, test, trpc } from './fixtures'

const SEED = fixturePath('seed.flow')

// Whole scenarios drawn by mouse take a while when other suites share the machine.
test.describe.configure({ timeout: 120_000 })

test('importing the seed file draws 20 nodes, 23 edges and 3 titled groups; export round-trips', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await importFile(page, SEED)
  await expect(flowNodes(page)).toHaveCount(20)
  await expect(canvasEdges(page)).toHaveCount(23)
  await expect(groupNodes(page)).toHaveCount(3)
  for (const title of ['Make.com Scenario', 'Make.com HTTP Module', 'Make.com Iterator'])
    await expect(groupNodes(page).getByText(title, { exact: true })).toBeVisible()

  const exported = await exportFlow(page)
  const original = parseFlow(readFileSync(SEED, 'utf8'), 'seed.flow')
  expect(withoutPositions(parseFlow(exported))).toEqual(withoutPositions(original))
  expect(consoleErrors).toEqual([])
})

test('a scenario drawn with the mouse on an empty canvas is saved and comes back unchanged after a reload', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await createBlank(page)
  await expect(flowNodes(page)).toHaveCount(0)

  // Positions are pixels inside the canvas, left to right: start, decision, two branches, end.
  const start = await dropFromPalette(page, 'start', { x: 90, y: 240 })
  const decision = await dropFromPalette(page, 'decision', { x: 260, y: 240 })
  const pageStep = await dropFromPalette(page, 'pass-through', { x: 480, y: 120 })
  const otherStep = await dropFromPalette(page, 'pass-through', { x: 480, y: 360 })
  const end = await dropFromPalette(page, 'end', { x: 700, y: 240 })
  await expect(node(page, start)).toContainText('Segment event')
  await expect(page.getByTestId(`node-${decision}`)).toHaveAttribute('data-shape', 'diamond')
  await expect(node(page, end)).toContainText('End')

  await renameNodeOnCanvas(page, pageStep, 'Handle page view')
  await renameNodeOnCanvas(page, otherStep, 'Handle everything else')

  await connect(page, [start, 'right'], [decision, 'left'])
  const pageBranch = await connect(page, [decision, 'top'], [pageStep, 'left'])
  const elseBranch = await connect(page, [decision, 'bottom'], [otherStep, 'left'])
  await connect(page, [pageStep, 'right'], [end, 'top'])
  await connect(page, [otherStep, 'right'], [end, 'bottom'])

  // An unlabelled decision branch invites its condition on the edge itself.
  for (const [id, condition] of [
    [pageBranch, 'page'],
    [elseBranch, 'else'],
  ]) {
    await page.getByTestId(`edge-add-label-${id}`).click()
    const field = page.getByLabel('Branch condition')
    await expect(field).toBeFocused()
    await field.fill(condition)
    await field.press('Enter')
    await expect(page.getByTestId(`edge-label-${id}`)).toHaveText(condition)
  }

  await expect(flowNodes(page)).toHaveCount(5)
  await expect(canvasEdges(page)).toHaveCount(5)
  const drawn = await exportFlow(page)

  await saveWithMessage(page, 'First draft drawn by hand')
  await page.reload()
  await waitForEditor(page)
  await expect(flowNodes(page)).toHaveCount(5)
  await expect(canvasEdges(page)).toHaveCount(5)
  await expect(page.getByTestId(`edge-label-${pageBranch}`)).toHaveText('page')
  await expect(page.getByTestId(`edge-label-${elseBranch}`)).toHaveText('else')
  await expect(node(page, pageStep)).toContainText('Handle page view')
  await expect(node(page, otherStep)).toContainText('Handle everything else')
  await expect(page.getByTestId('save-state')).toContainText('v2')
  // Same nodes, edges, handles, labels and positions: the notation is identical.
  expect(await exportFlow(page)).toBe(drawn)
  expect(consoleErrors).toEqual([])
})

test('undo restores a deleted node exactly and redo deletes it again', async ({ page, consoleErrors }) => {
  await signIn(page)
  await openTemplate(page)
  const before = await exportFlow(page)
  await expect(flowNodes(page)).toHaveCount(20)
  await expect(canvasEdges(page)).toHaveCount(23)

  // n6 "Handle purchase" has one edge in (labelled "purchase") and one out.
  await node(page, 'n6').click()
  await page.keyboard.press('Delete')
  await expect(node(page, 'n6')).toHaveCount(0)
  await expect(flowNodes(page)).toHaveCount(19)
  await expect(canvasEdges(page)).toHaveCount(21)
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'true')
  const deleted = await exportFlow(page)

  await page.keyboard.press('Control+Z')
  await expect(node(page, 'n6')).toContainText('Handle purchase')
  await expect(flowNodes(page)).toHaveCount(20)
  await expect(canvasEdges(page)).toHaveCount(23)
  await expect(page.getByTestId('edge-label-n4->n6')).toHaveText('purchase')
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'false')
  expect(await exportFlow(page)).toBe(before)

  await page.keyboard.press('Control+Shift+Z')
  await expect(node(page, 'n6')).toHaveCount(0)
  await expect(canvasEdges(page)).toHaveCount(21)
  expect(await exportFlow(page)).toBe(deleted)
  expect(consoleErrors).toEqual([])
})

test.describe('clipboard', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] })

  test('copy and paste duplicates a node under a new id with the same label', async ({
    page,
    consoleErrors,
  }) => {
    await signIn(page)
    await openTemplate(page)
    await node(page, 'n9').click()
    await expect(node(page, 'n9')).toHaveClass(/selected/)
    await page.keyboard.press('Control+C')
    await page.keyboard.press('Control+V')
    await expect(flowNodes(page)).toHaveCount(21)
    const ids = await flowNodes(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
    const copies = flowNodes(page).filter({ hasText: 'Parse ML predictions' })
    await expect(copies).toHaveCount(2)
    const copyId = await copies.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-id')).find((id) => id !== 'n9'),
    )
    expect(copyId).toBeTruthy()
    expect(new Set(ids).size).toBe(ids.length)
    // The original is still there, untouched.
    await expect(node(page, 'n9')).toContainText('Parse ML predictions')
    const model = parseFlow(await exportFlow(page))
    const copy = model.nodes.find((n) => n.id === copyId)
    const original = model.nodes.find((n) => n.id === 'n9')
    expect(copy).toMatchObject({ label: original?.label, shape: original?.shape, type: original?.type })
    expect(consoleErrors).toEqual([])
  })
})

test('editing the text view changes the canvas, and editing the canvas rewrites the text', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await openTemplate(page)
  await page.getByTestId('panel-tab-text').click()
  const editor = page.getByTestId('text-view').locator('.cm-content')
  await expect(editor).toContainText('n1: circle label:"Start"')
  await expect(page.getByTestId('text-status')).toHaveAttribute('data-ok', 'true')

  // Text → canvas: replace the whole notation with one where n2 has another label.
  const notation = await exportFlow(page)
  expect(notation).toContain('label:"Watch Segment user events"')
  await editor.click()
  await page.keyboard.press('Control+A')
  await page.keyboard.insertText(
    notation.replace('label:"Watch Segment user events"', 'label:"Listen to Segment"'),
  )
  await expect(node(page, 'n2')).toContainText('Listen to Segment')
  await expect(page.getByTestId('text-status')).toHaveAttribute('data-ok', 'true')
  await expect(flowNodes(page)).toHaveCount(20)
  await expect(canvasEdges(page)).toHaveCount(23)

  // Text that does not parse leaves the canvas alone and says where the problem is.
  await page.keyboard.press('Control+A')
  await page.keyboard.insertText(notation.replace('n3: rectangle', 'n3: hexagon'))
  await expect(page.getByTestId('text-status')).toHaveAttribute('data-ok', 'false')
  await expect(page.getByTestId('text-status')).toContainText(/Line \d+:\d+: unknown shape "hexagon"/)
  await expect(node(page, 'n2')).toContainText('Listen to Segment')
  await expect(page.getByTestId(`node-n3`)).toHaveAttribute('data-shape', 'rectangle')

  // Canvas → text: rename the start node in place; its line is at the top of the text.
  await page.keyboard.press('Control+A')
  await page.keyboard.insertText(notation)
  await expect(page.getByTestId('text-status')).toHaveAttribute('data-ok', 'true')
  await expect(node(page, 'n2')).toContainText('Watch Segment user events')
  // CodeMirror renders only the lines in view: bring the top of the text back into view.
  await page.keyboard.press('Control+Home')
  await expect(editor).toContainText('n1: circle label:"Start"')
  await renameNodeOnCanvas(page, 'n1', 'Segment event arrives')
  await expect(editor).toContainText('n1: circle label:"Segment event arrives"')
  await expect(editor).not.toContainText('label:"Start"')
  expect(consoleErrors).toEqual([])
})

type WorkflowDetail = { id: string; title: string; latestVersion: number; version: { model: Workflow } }
type WorkflowSummary = { id: string; title: string; latestVersion: number }

const labelOf = (w: WorkflowDetail, id: string) => w.version.model.nodes.find((n) => n.id === id)?.label

/**
 * Two people (two signed-in browser contexts) open the same workflow; the first renames n2
 * and saves, the second renames n3 and saves from the now stale version.
 */
async function concurrentEdits(page: Page, browser: Browser) {
  await signIn(page)
  await openTemplate(page)
  const id = workflowIdOf(page)
  const title = (await page.getByTestId('workflow-title').textContent()) ?? ''

  const other = await browser.newContext()
  const second = await other.newPage()
  const secondErrors = collectConsoleErrors(second)
  await signIn(second)
  await second.goto(`/#/workflows/${id}`)
  await waitForEditor(second)
  await expect(node(second, 'n3')).toContainText('Parse user properties')

  await renameNodeOnCanvas(page, 'n2', 'Watch events (first editor)')
  await saveWithMessage(page, 'First editor renames n2')
  await expect(page.getByTestId('save-state')).toContainText('v2')

  await renameNodeOnCanvas(second, 'n3', 'Parse traits (second editor)')
  await second.getByTestId('save-button').click()
  await second.getByTestId('save-message').fill('Second editor renames n3')
  await second.getByTestId('save-confirm').click()
  const dialog = second.getByTestId('conflict-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('not lost')
  // Nothing was overwritten on the server.
  const latest = await trpc<WorkflowDetail>(page, 'workflows.get', { id }, 'query')
  expect(latest.data?.latestVersion).toBe(2)
  expect(labelOf(latest.data!, 'n2')).toBe('Watch events (first editor)')
  expect(labelOf(latest.data!, 'n3')).toBe('Parse user properties')
  return { id, title, other, second, secondErrors }
}

const workflowIds = async (page: Page) =>
  new Set((await trpc<WorkflowSummary[]>(page, 'workflows.list', {}, 'query')).data!.map((w) => w.id))

/**
 * The copy the second editor saved is the one new workflow since `before`: it holds their
 * change and not the first editor's, while the original keeps the first editor's save.
 */
async function expectSecondEditorsCopy(page: Page, id: string, title: string, before: Set<string>) {
  const added = [...(await workflowIds(page))].filter((w) => !before.has(w))
  expect(added).toHaveLength(1)
  const copy = await trpc<WorkflowDetail>(page, 'workflows.get', { id: added[0] }, 'query')
  expect(copy.data!.title).toBe(`${title} (copy)`)
  expect(labelOf(copy.data!, 'n3')).toBe('Parse traits (second editor)')
  expect(labelOf(copy.data!, 'n2')).toBe('Watch Segment user events')
  expect(copy.data!.version.model.nodes).toHaveLength(20)
  expect(copy.data!.version.model.edges).toHaveLength(23)
  const original = await trpc<WorkflowDetail>(page, 'workflows.get', { id }, 'query')
  expect(labelOf(original.data!, 'n2')).toBe('Watch events (first editor)')
  expect(labelOf(original.data!, 'n3')).toBe('Parse user properties')
  return added[0]
}

test('a stale save opens the conflict dialog; saving as a copy keeps both versions', async ({
  page,
  browser,
  consoleErrors,
}) => {
  const { id, title, other, second, secondErrors } = await concurrentEdits(page, browser)
  const before = await workflowIds(page)
  await second.getByTestId('conflict-save-copy').click()
  await expect(second.getByTestId('conflict-dialog')).toBeHidden()
  await expect(second.getByTestId('workflow-title')).toHaveText(`${title} (copy)`)
  await expect(node(second, 'n3')).toContainText('Parse traits (second editor)')
  const copyId = await expectSecondEditorsCopy(page, id, title, before)
  expect(workflowIdOf(second)).toBe(copyId)
  // The 409 of the refused save is filtered out as a resource error; nothing else may show.
  expect(secondErrors).toEqual([])
  expect(consoleErrors).toEqual([])
  await other.close()
})

test('a stale save can reload the latest version and still save the unsaved one as a copy', async ({
  page,
  browser,
  consoleErrors,
}) => {
  const { id, title, other, second, secondErrors } = await concurrentEdits(page, browser)
  const before = await workflowIds(page)
  await second.getByTestId('conflict-reload').click()
  await expect(second.getByTestId('conflict-dialog')).toBeHidden()
  // The first editor's save is on the canvas; the second editor's change is kept aside.
  await expect(node(second, 'n2')).toContainText('Watch events (first editor)')
  await expect(node(second, 'n3')).toContainText('Parse user properties')
  await expect(second.getByTestId('save-state')).toContainText('v2')
  const banner = second.getByTestId('rescued-banner')
  await expect(banner).toBeVisible()
  await banner.getByRole('button', { name: 'Save it as a copy' }).click()
  await expect(second.getByTestId('workflow-title')).toHaveText(`${title} (copy)`)
  await expect(node(second, 'n3')).toContainText('Parse traits (second editor)')
  expect(workflowIdOf(second)).toBe(await expectSecondEditorsCopy(page, id, title, before))
  expect(secondErrors).toEqual([])
  expect(consoleErrors).toEqual([])
  await other.close()
})

test('the personalization template looks clean at 1440×900', async ({ page, consoleErrors }) => {
  await signIn(page)
  await openTemplate(page)
  await expect(flowNodes(page)).toHaveCount(20)
  await expect(groupNodes(page)).toHaveCount(3)
  // Fit view shows the whole scenario: every node inside the canvas, none overlapping another.
  const canvas = (await page.getByTestId('canvas').boundingBox())!
  const boxes = await flowNodes(page).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect()
      return { id: e.getAttribute('data-id'), x: r.x, y: r.y, width: r.width, height: r.height }
    }),
  )
  for (const b of boxes) {
    expect(b.x, `${b.id} inside the canvas`).toBeGreaterThanOrEqual(canvas.x)
    expect(b.y, `${b.id} inside the canvas`).toBeGreaterThanOrEqual(canvas.y)
    expect(b.x + b.width, `${b.id} inside the canvas`).toBeLessThanOrEqual(canvas.x + canvas.width)
    expect(b.y + b.height, `${b.id} inside the canvas`).toBeLessThanOrEqual(canvas.y + canvas.height)
  }
  for (const [i, a] of boxes.entries())
    for (const b of boxes.slice(i + 1)) {
      const overlap =
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
      expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false)
    }
  // Group titles are readable, not clipped away.
  for (const title of ['Make.com Scenario', 'Make.com HTTP Module', 'Make.com Iterator'])
    await expect(groupNodes(page).getByText(title, { exact: true })).toBeInViewport()

  // No hover state (handles, tooltips) in the picture.
  await page.mouse.move(2, 2)
  const path = 'test-results/screenshots/editor-personalization.png'
  await page.screenshot({ path, animations: 'disabled' })
  mkdirSync('/tmp/shots', { recursive: true })
  copyFileSync(path, '/tmp/shots/e2e-editor-personalization.png')
  expect(consoleErrors).toEqual([])
})

// Auto-layout routes every edge (canvas/layout.ts) and flow-edge.tsx draws elk's route, so
// n5->n8 no longer runs straight down behind n6 and n7.
test('edges of the personalization template are not drawn behind nodes they do not connect', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await openTemplate(page)
  await expect(canvasEdges(page)).toHaveCount(23)
  expect(await edgesBehindNodes(page)).toEqual([])
  expect(consoleErrors).toEqual([])
})

test('importing a malformed .flow names the line and leaves the workflow list unchanged', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  // At least one workflow in the list, so "unchanged" is not "still empty".
  expect((await trpc(page, 'workflows.create', { title: 'Already here' })).status).toBe(200)
  const before = await workflowIds(page)
  await page.reload()
  await expect(page.getByTestId('workflow-row')).toHaveCount(before.size)
  await page.getByTestId('import-file-input').setInputFiles(fixturePath('malformed.flow'))
  const error = page.getByRole('alert').filter({ hasText: 'malformed.flow' })
  await expect(error).toContainText('malformed.flow:4:5')
  await expect(error).toContainText('unknown shape "hexagon"')
  await expect(page).not.toHaveURL(/#\/workflows\/[^/]+$/)
  await expect(page.getByRole('heading', { name: 'Workflows' })).toBeVisible()
  await expect(page.getByTestId('workflow-row')).toHaveCount(before.size)
  expect(await workflowIds(page)).toEqual(before)
  // The refused request (400) is filtered as a resource error; nothing else may show.
  expect(consoleErrors).toEqual([])
})

test('publish is disabled with the reason while the workflow has validation errors', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  // The raw seed: its three decisions have no subject to compare their branch labels with.
  await importFile(page, SEED)
  const publish = page.getByTestId('publish-button')
  await expect(publish).toBeDisabled()
  await expect(publish).toHaveAccessibleDescription('Fix 3 errors before publishing')
  await expect(page.getByTestId('problems-toggle')).toContainText('3 errors')
  await page.getByTestId('problems-toggle').click()
  const problems = page.getByTestId('problem-item').filter({ hasText: 'has no subject' })
  await expect(problems).toHaveCount(3)
  // Problems name the step by its label, not its id; a problem leads to its node.
  await expect(problems.filter({ hasText: 'n10' })).toHaveCount(0)
  await problems.filter({ hasText: '“Confidence score?”' }).click()
  await expect(node(page, 'n10')).toHaveClass(/selected/)
  expect(consoleErrors).toEqual([])
})
