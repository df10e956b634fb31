import { readFileSync } from 'node:fs'
import type { Browser, Locator, Page } from '@playwright/test'
import { parse } from '../packages/engine/src/dsl/parser'
import type { Workflow } from '../packages/engine/src/model/schema'
import { expect as baseExpect } from './fixtures'

/** Machines running several e2e suites at once are slow: a little more room than the 5 s default. */
export const expect = baseExpect.configure({ timeout: 10_000 })

export type Side = 'top' | 'right' | 'bottom' | 'left'

export const fixturePath = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname

/** The canvas' drawn nodes (groups excluded), by React Flow's node-type class. */
export const flowNodes = (page: Page) => page.locator('.react-flow__node-flow')
export const groupNodes = (page: Page) => page.locator('.react-flow__node-group')
export const canvasEdges = (page: Page) => page.locator('.react-flow__edge')
export const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`)
export const edge = (page: Page, id: string) => page.locator(`.react-flow__edge[data-id="${id}"]`)
export const handle = (page: Page, id: string, side: Side) =>
  node(page, id).locator(`.react-flow__handle[data-handleid="${side}"]`)

/** The id shown in the URL of the open editor (`#/workflows/:id`). */
export function workflowIdOf(page: Page): string {
  const m = /#\/workflows\/([^/?#]+)/.exec(page.url())
  if (!m) throw new Error(`not on an editor URL: ${page.url()}`)
  return decodeURIComponent(m[1])
}

/** Waits for the editor of some workflow to be open and interactive. */
export async function waitForEditor(page: Page) {
  await expect(page).toHaveURL(/#\/workflows\/[^/]+$/)
  // Opening lays out graphs without positions with elk (a 1.4 MB chunk loaded on first use).
  await expect(page.getByTestId('canvas').locator('.react-flow__pane')).toBeVisible({ timeout: 20_000 })
  await expect(page.getByTestId('save-button')).toBeVisible()
}

/** "+ New workflow": the name is asked for first, then the empty editor opens. */
export async function createBlank(page: Page, name = 'Blank test workflow') {
  await page.getByTestId('create-blank').click()
  await page.getByTestId('workflow-name').fill(name)
  await page.getByTestId('name-dialog-confirm').click()
  await waitForEditor(page)
  await expect(page.getByTestId('workflow-title')).toHaveText(name)
}

/** Imports a file through the workflow list's file input and waits for the editor to open. */
export async function importFile(page: Page, path: string) {
  await page.getByTestId('import-file-input').setInputFiles(path)
  await waitForEditor(page)
}

/** Creates a workflow from a template card of the workflow list (its title as the name). */
export async function openTemplate(page: Page, id = 'personalization') {
  await page.getByTestId(`template-${id}`).click()
  await page.getByTestId('new-workflow-dialog').getByTestId('name-dialog-confirm').click()
  await waitForEditor(page)
  await expect(node(page, 'n1')).toBeVisible()
}

/** Export ▸ Notation (.flow): the downloaded text, i.e. exactly what a user would get. */
export async function exportFlow(page: Page): Promise<string> {
  await page.getByTestId('export-menu').click()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-flow').click(),
  ])
  expect(download.suggestedFilename()).toMatch(/\.flow$/)
  const path = await download.path()
  return readFileSync(path, 'utf8')
}

/** Parses notation with the engine and fails the test with the diagnostics when it does not parse. */
export function parseFlow(text: string, file = 'export.flow'): Workflow {
  const result = parse(text, { file })
  expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([])
  expect(result.workflow).not.toBeNull()
  return result.workflow as Workflow
}

/** The model minus where boxes sit: the seed has no positions, the editor lays it out on open. */
export function withoutPositions(w: Workflow): Workflow {
  return { ...w, nodes: w.nodes.map(({ position: _p, ...n }) => n) }
}

async function centreOf(locator: Locator) {
  const box = await locator.boundingBox()
  if (!box) throw new Error('element has no box (not rendered)')
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}

/**
 * Drags a palette item onto the canvas with the mouse (HTML5 drag and drop) so that it
 * lands centred on `at` (pixels from the canvas' top-left corner); returns the new node id.
 */
export async function dropFromPalette(page: Page, type: string, at: { x: number; y: number }) {
  const before = new Set(
    await flowNodes(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))),
  )
  await page
    .getByTestId(`palette-item-${type}`)
    .dragTo(page.locator('.react-flow__pane'), { targetPosition: at })
  await expect(flowNodes(page)).toHaveCount(before.size + 1)
  const after = await flowNodes(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
  const added = after.filter((id) => !before.has(id))
  expect(added).toHaveLength(1)
  return added[0] as string
}

/** Connects two handles by dragging from one to the other with the mouse. */
export async function connect(page: Page, from: [string, Side], to: [string, Side]) {
  const edgesBefore = await canvasEdges(page).count()
  const a = await centreOf(handle(page, ...from))
  const b = await centreOf(handle(page, ...to))
  await page.mouse.move(a.x, a.y)
  await page.mouse.down()
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 })
  await page.mouse.move(b.x, b.y, { steps: 5 })
  await page.mouse.up()
  await expect(canvasEdges(page)).toHaveCount(edgesBefore + 1)
  const id = `${from[0]}->${to[0]}`
  await expect(edge(page, id)).toBeVisible()
  return id
}

/** Saves through the toolbar's Save dialog with a message and waits for "Saved". */
export async function saveWithMessage(page: Page, message: string) {
  await page.getByTestId('save-button').click()
  await page.getByTestId('save-message').fill(message)
  await page.getByTestId('save-confirm').click()
  await expect(page.getByTestId('save-dialog')).toBeHidden()
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'false')
}

/** Renames a node in place: double-click, type, Enter. */
export async function renameNodeOnCanvas(page: Page, id: string, label: string) {
  await node(page, id).dblclick()
  const field = node(page, id).getByLabel('Node label')
  await expect(field).toBeFocused()
  await field.fill(label)
  await field.press('Enter')
  await expect(node(page, id)).toContainText(label)
}

/** Collects console errors of a page opened outside the `page` fixture (second browser contexts). */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text())
  })
  page.on('pageerror', (err) => errors.push(err.message))
  return errors
}

/**
 * Edges drawn across a node they do not connect, as "edge passes behind node" lines: on
 * screen such an edge reads as if it entered that node. Samples each drawn edge path in
 * screen pixels against every node box (shrunk by 2px so touching a border is fine).
 */
export function edgesBehindNodes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.react-flow__node-flow')].map((e) => ({
      id: e.getAttribute('data-id') ?? '',
      r: e.getBoundingClientRect(),
    }))
    const found: string[] = []
    for (const g of document.querySelectorAll('.react-flow__edge')) {
      const path = g.querySelector<SVGPathElement>('path.react-flow__edge-path')
      const matrix = path?.getScreenCTM()
      if (!path || !matrix) continue
      const id = g.getAttribute('data-id') ?? ''
      const ends = new Set(id.replace(/#\d+$/, '').split('->'))
      const crossed = new Set<string>()
      for (let at = 0; at <= path.getTotalLength(); at += 4) {
        const p = path.getPointAtLength(at).matrixTransform(matrix)
        for (const b of boxes)
          if (
            !ends.has(b.id) &&
            p.x > b.r.left + 2 &&
            p.x < b.r.right - 2 &&
            p.y > b.r.top + 2 &&
            p.y < b.r.bottom - 2
          )
            crossed.add(b.id)
      }
      if (crossed.size > 0) found.push(`${id} passes behind ${[...crossed].join(', ')}`)
    }
    return found
  })
}

/** A page in a fresh browser context (another person signed in), with its console errors. */
export async function newPage(browser: Browser, baseURL: string | undefined, width = 1440, height = 900) {
  const context = await browser.newContext({ baseURL, viewport: { width, height } })
  const page = await context.newPage()
  return { page, errors: collectConsoleErrors(page) }
}
