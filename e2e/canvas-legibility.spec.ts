import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { edgesBehindNodes, expect } from './editor-helpers'
import { signIn, test, trpc } from './fixtures'

/**
 * The canvas read at a glance, at the zoom it opens with at 1440×900 (the whole graph when it
 * fits legibly, else a legible part): node and edge label text at least 11 px on screen, no
 * two edge labels on top of each other, no edge
 * drawn through a node it does not connect — in the editor, the audit view and the diff view
 * (one routing for all), and for every template in the editor. Screenshots land in SHOTS.
 */
const SHOTS = '/tmp/shots'
const TEMPLATES = [
  'personalization',
  'user-segmentation',
  'email-campaign',
  'ab-test',
  'account-deletion',
  'api-key-rotation',
  'billing-dispute',
]

type Model = { nodes: { id: string; label: string }[]; edges: { id: string; label?: string }[] }

test.describe.configure({ timeout: 120_000 })

async function ok<T>(call: Promise<{ data?: T; error?: { message: string } }>): Promise<T> {
  const r = await call
  if (r.error || r.data === undefined) throw new Error(r.error?.message ?? 'no data')
  return r.data
}

async function create(page: Page, template: string): Promise<string> {
  return (await ok(trpc<{ id: string }>(page, 'workflows.create', { template }))).id
}

/** What the eye gets at the opening zoom: text sizes in screen pixels and the label boxes. */
async function legibility(page: Page) {
  return page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport')!
    const scale = new DOMMatrix(getComputedStyle(viewport).transform).a
    const px = (el: Element) => Number.parseFloat(getComputedStyle(el).fontSize) * scale
    const nodeText = [...document.querySelectorAll('.react-flow__node [title]')].map((el) => ({
      text: el.textContent ?? '',
      px: px(el),
      cut: el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1,
    }))
    const labels = [...document.querySelectorAll('[data-testid^="edge-label-"]')].map((el) => {
      const inner = el.firstElementChild ?? el
      const r = inner.getBoundingClientRect()
      return { id: el.getAttribute('data-testid')!, px: px(inner), x: r.x, y: r.y, w: r.width, h: r.height }
    })
    const overlaps: string[] = []
    for (const [i, a] of labels.entries())
      for (const b of labels.slice(i + 1))
        if (a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1)
          overlaps.push(`${a.id} overlaps ${b.id}`)
    return { scale, nodeText, labels, overlaps }
  })
}

async function expectLegible(page: Page, what: string) {
  const seen = await legibility(page)
  for (const t of seen.nodeText) expect(t.px, `${what}: "${t.text}" at fit`).toBeGreaterThanOrEqual(11)
  for (const l of seen.labels) expect(l.px, `${what}: ${l.id} at fit`).toBeGreaterThanOrEqual(11)
  expect(seen.overlaps, what).toEqual([])
  expect(await edgesBehindNodes(page), what).toEqual([])
  return seen
}

async function shoot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true })
  await page.mouse.move(2, 2)
  await page.screenshot({ path: `${SHOTS}/${name}.png`, animations: 'disabled' })
}

/** Opens the editor and waits until the canvas has settled at its opening zoom. */
async function openEditor(page: Page, id: string) {
  await page.goto(`/#/workflows/${id}`)
  const canvas = page.getByTestId('canvas')
  await expect(canvas.locator('.react-flow__node-flow').first()).toBeVisible({ timeout: 45_000 })
  await expect.poll(() => canvas.locator('.react-flow__edge').count()).toBeGreaterThan(0)
  // The opening viewport is set once the pane has a size: let it settle.
  await page.waitForTimeout(500)
}

test('the seed template reads at fit in the editor, the audit view and the diff view', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  const id = await create(page, 'personalization')
  const v1 = (await ok(trpc<{ version: { model: Model } }>(page, 'workflows.get', { id }, 'query'))).version
    .model
  await openEditor(page, id)
  // The seed fits whole at a legible zoom: every node and every label in view.
  await expect(page.getByTestId('canvas').locator('.react-flow__node-flow')).toHaveCount(v1.nodes.length)
  await expect(page.getByTestId('canvas').locator('[data-testid^="edge-label-"]')).toHaveCount(
    v1.edges.filter((e) => e.label).length,
  )
  await shoot(page, 'editor-personalization')
  const editor = await expectLegible(page, 'editor')
  // "POST to recommendation API" is whole, not "POST to recommendat…".
  expect(editor.nodeText.filter((t) => t.cut).map((t) => t.text)).toEqual([])

  await page.goto(`/#/audit/workflows/${id}/v/1`)
  const audit = page.getByTestId('readonly-canvas')
  await expect(audit.locator('.react-flow__node-audit')).toHaveCount(v1.nodes.length, { timeout: 45_000 })
  await shoot(page, 'audit-personalization')
  await expectLegible(page, 'audit')

  // v2 relabels a step and a branch and adds a step where the editor would have put it.
  const added = {
    id: 'x_new',
    group: 'ContentDelivery',
    shape: 'rectangle',
    label: 'Send SMS',
    type: 'transform',
    config: { vars: {} },
    position: { x: 100, y: 784 },
  }
  const v2 = {
    ...v1,
    nodes: [...v1.nodes.map((n) => (n.id === 'n5' ? { ...n, label: 'Handle page visit' } : n)), added],
    edges: v1.edges.map((e) => (e.id === 'n10->n11' ? { ...e, label: '> 0.8' } : e)),
  }
  await ok(trpc(page, 'workflows.save', { id, baseVersion: 1, model: v2, message: 'Tune' }))
  await page.goto(`/#/audit/workflows/${id}/diff/1/2`)
  const diff = page.getByTestId('readonly-canvas')
  await expect(diff.locator('.react-flow__node-audit')).toHaveCount(v2.nodes.length, { timeout: 45_000 })
  await expect(diff.getByTestId('edge-label-n10->n11')).toContainText('> 0.8')
  await shoot(page, 'diff-personalization')
  await expectLegible(page, 'diff')
  expect(consoleErrors).toEqual([])
})

for (const template of TEMPLATES)
  test(`the ${template} template reads at fit in the editor`, async ({ page, consoleErrors }) => {
    await signIn(page)
    const id = await create(page, template)
    await openEditor(page, id)
    await shoot(page, `template-${template}`)
    await expectLegible(page, template)
    expect(consoleErrors).toEqual([])
  })
