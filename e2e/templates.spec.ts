import { mkdirSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { expect, saveWithMessage, waitForEditor, workflowIdOf } from './editor-helpers'
import { signIn, test, trpc } from './fixtures'

/**
 * The template gallery behind "+ New workflow": every template is created from its card,
 * its test cases run green in the app, the connections it needs are created on the spot,
 * and it publishes once they exist. Screenshots of each opened template land in SHOTS.
 */
const SHOTS = '/tmp/shots-17'
const suffix = Date.now().toString(36)

type Kind = 'braze' | 'http' | 'smtp'
type TemplateInfo = { id: string; title: string; description: string; connections: Kind[] }
type Model = { nodes: { id: string }[]; edges: unknown[]; tests?: { name: string }[] }

// Each test creates, lays out, runs every test case and publishes: a loaded machine needs
// room. Not serial: each test creates whatever connections are still missing itself.
test.describe.configure({ timeout: 180_000 })

async function ok<T>(call: Promise<{ data?: T; error?: { message: string } }>): Promise<T> {
  const r = await call
  if (r.error || r.data === undefined) throw new Error(r.error?.message ?? 'no data')
  return r.data
}

const templatesOf = (page: Page) => ok(trpc<TemplateInfo[]>(page, 'workflows.templates', {}, 'query'))
const modelOf = (page: Page, id: string) => ok(trpc<Model>(page, 'workflows.templateModel', { id }, 'query'))
const connectionTypes = async (page: Page) =>
  new Set((await ok(trpc<{ type: Kind }[]>(page, 'connections.list', {}, 'query'))).map((c) => c.type))

/** Fake endpoints: nothing is sent in dry test runs, and publishing sends nothing either. */
const SETTINGS: Record<Kind, (form: Locator) => Promise<void>> = {
  braze: async (form) => {
    await form.getByTestId('config-restEndpoint').fill('https://rest.braze.example.com')
    await form.getByTestId('config-restEndpoint').press('Tab')
    await form.getByTestId('connection-secret').fill('e2e-not-a-real-braze-key')
  },
  http: async (form) => {
    await form.getByTestId('config-baseUrl').fill('https://api.example.com')
    await form.getByTestId('config-baseUrl').press('Tab')
    await form.getByTestId('connection-secret').fill('e2e-not-a-real-token')
  },
  smtp: async (form) => {
    await form.getByTestId('config-host').fill('smtp.example.com')
    await form.getByTestId('config-host').press('Tab')
    await form.getByTestId('config-from').fill('Flowline e2e <noreply@example.com>')
    await form.getByTestId('config-from').press('Tab')
  },
}

async function openGallery(page: Page) {
  await page.getByTestId('nav-workflows').click()
  await page.getByTestId('create-blank').click()
  const dialog = page.getByTestId('new-workflow-dialog')
  await expect(dialog.getByTestId('template-gallery')).toBeVisible()
  return dialog
}

/** A missing kind's chip opens the connections form with that kind chosen; created, the chip turns present. */
async function createConnectionFromCard(page: Page, card: Locator, kind: Kind) {
  const need = card.getByTestId(`template-needs-${kind}`)
  await expect(need).toHaveAttribute('data-state', 'missing')
  await need.getByTestId(`template-create-connection-${kind}`).click()
  const form = page.getByTestId('connection-form')
  await expect(form.getByTestId('connection-type')).toHaveValue(kind)
  await form.getByTestId('connection-name').fill(`${kind} e2e ${suffix}`)
  await SETTINGS[kind](form)
  await form.getByTestId('connection-save').click()
  await expect(form).toBeHidden()
  await expect(need).toHaveAttribute('data-state', 'present')
}

/** The editor lays a template out with elk on opening: slow on a loaded machine. */
async function editorOpen(page: Page) {
  await expect(page).toHaveURL(/#\/workflows\/[^/]+$/)
  await expect(page.getByTestId('canvas').locator('.react-flow__pane')).toBeVisible({ timeout: 45_000 })
  await waitForEditor(page)
}

/** Chooses a card, names the workflow and creates it: the editor opens on it. */
async function createFrom(page: Page, card: Locator, template: TemplateInfo, name: string) {
  await card.getByTestId('gallery-choose').click()
  await expect(card).toHaveAttribute('data-selected', 'true')
  const field = page.getByTestId('workflow-name')
  // Choosing fills in the template's title and puts the cursor there: typing replaces it.
  await expect(field).toHaveValue(template.title)
  await expect(field).toBeFocused()
  await field.fill(name)
  await page.getByTestId('name-dialog-confirm').click()
  await editorOpen(page)
  await expect(page.getByTestId('workflow-title')).toHaveText(name)
}

/** Run ▸ Tests ▸ "Run all": every saved test case of the template passes. */
async function runAllTests(page: Page, count: number) {
  await page.getByTestId('panel-tab-run').click()
  await page.getByTestId('run-segment-tests').click()
  await expect(page.getByTestId('test-run-all')).toHaveText(`Run all ${count}`)
  await page.getByTestId('test-run-all').click()
  const summary = page.getByTestId('test-summary')
  await expect(summary).toHaveText(`${count} of ${count} passed`, { timeout: 60_000 })
  await expect(summary).toHaveAttribute('data-failed', '0')
  await expect(page.locator('[data-testid^="test-case-"][data-result="passed"]')).toHaveCount(count)
}

/**
 * Steps still without a connection (creating fills one in only where exactly one of the kind
 * exists: other suites may have made more) are pointed at one from the inspector, then saved.
 */
async function connectRemainingSteps(page: Page) {
  await page.getByTestId('panel-tab-problems').click()
  const missing = page.getByTestId('problem-item').filter({ hasText: /choose an? .* connection/ })
  const count = await missing.count()
  if (count === 0) return 0
  for (let i = 0; i < count; i++) {
    await page.getByTestId('panel-tab-problems').click()
    const item = missing.first()
    const nodeId = await item.getAttribute('data-node-id')
    await item.click()
    await page.getByTestId('panel-tab-inspector').click()
    const picker = page.getByTestId('inspector').getByTestId('config-connectionId')
    const options = await picker
      .locator('option')
      .evaluateAll((els) =>
        els.map((e) => ({ value: (e as HTMLOptionElement).value, label: e.textContent ?? '' })),
      )
    const ours = options.find((o) => o.label.endsWith(suffix)) ?? options.find((o) => o.value !== '')
    if (!ours) throw new Error(`no connection to choose for ${nodeId}`)
    await picker.selectOption(ours.value)
    await page.getByTestId('panel-tab-problems').click()
    await expect(page.locator(`[data-testid="problem-item"][data-node-id="${nodeId}"]`)).toHaveCount(0)
  }
  await saveWithMessage(page, 'Point the steps at their connections')
  return count
}

async function publish(page: Page) {
  const button = page.getByTestId('publish-button')
  await expect(button).toBeEnabled()
  await expect(button).toHaveText('Publish')
  await button.click()
  const trigger = page.getByTestId('trigger-dialog')
  await expect(trigger).toContainText('is live', { timeout: 60_000 })
  await trigger.getByTestId('trigger-dialog-done').click()
  await expect(button).toHaveText('✓ Published')
  const wf = await ok(
    trpc<{ publishedVersion: number | null; latestVersion: number }>(
      page,
      'workflows.get',
      { id: workflowIdOf(page) },
      'query',
    ),
  )
  expect(wf.publishedVersion).toBe(wf.latestVersion)
}

/** The opened template, fit to the canvas, with the inspector (the editor's default panel). */
async function screenshot(page: Page, id: string, nodes: number) {
  mkdirSync(SHOTS, { recursive: true })
  await page.getByTestId('panel-tab-inspector').click()
  await page.keyboard.press('Escape')
  // "Published" toasts would cover the bottom of the graph.
  const toasts = page.getByTestId('toast')
  while ((await toasts.count()) > 0)
    await toasts
      .first()
      .getByLabel('Dismiss')
      .click({ timeout: 1_000 })
      .catch(() => {})
  await page.getByTestId('cmd-fit-view').click()
  await expect(page.locator('.react-flow__node-flow')).toHaveCount(nodes)
  // fitView animates; let it settle so the picture is the resting one.
  await page.waitForTimeout(600)
  await page.screenshot({ path: `${SHOTS}/${id}.png` })
}

test('"+ New workflow" opens the gallery: blank and a card per template with its preview and the connections it needs', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  const templates = await templatesOf(page)
  expect(templates.map((t) => t.id)).toEqual([
    'personalization',
    'user-segmentation',
    'email-campaign',
    'ab-test',
    'account-deletion',
    'api-key-rotation',
    'billing-dispute',
  ])
  const present = await connectionTypes(page)
  const dialog = await openGallery(page)
  await expect(dialog.getByTestId('gallery-blank')).toHaveAttribute('data-selected', 'true')
  await expect(dialog.getByTestId('gallery-blank')).toContainText('Blank workflow')
  await expect(dialog.locator('[data-testid^="gallery-template-"]')).toHaveCount(templates.length)
  for (const t of templates) {
    const card = dialog.getByTestId(`gallery-template-${t.id}`)
    const model = await modelOf(page, t.id)
    await expect(card).toContainText(t.title)
    await expect(card).toContainText(t.description)
    await expect(card).toContainText(`${model.nodes.length} steps · ${model.tests?.length} test cases`)
    // The thumbnail draws the whole graph, laid out as the editor will lay it out.
    const preview = card.getByTestId('template-preview')
    await expect(preview).toHaveAttribute('data-nodes', String(model.nodes.length), { timeout: 30_000 })
    await expect(preview).toHaveAttribute('data-edges', String(model.edges.length))
    await expect(preview.locator('rect, polygon')).not.toHaveCount(0)
    for (const kind of t.connections)
      await expect(card.getByTestId(`template-needs-${kind}`)).toHaveAttribute(
        'data-state',
        present.has(kind) ? 'present' : 'missing',
      )
    await expect(card.locator('[data-testid^="template-needs-"]')).toHaveCount(t.connections.length)
  }
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/gallery.png` })

  // Choosing fills in the name until the user types one; blank empties it again.
  const field = dialog.getByTestId('workflow-name')
  await dialog.getByTestId('gallery-template-ab-test').getByTestId('gallery-choose').click()
  await expect(field).toHaveValue('A/B test')
  await expect(dialog).toContainText('Starts as a copy of the “A/B test” template')
  await dialog.getByTestId('gallery-template-api-key-rotation').getByTestId('gallery-choose').click()
  await expect(field).toHaveValue('API key rotation')
  // The title is selected: typing replaces it.
  await page.keyboard.type('Quarterly key rotation')
  await expect(field).toHaveValue('Quarterly key rotation')
  await field.fill('')
  await dialog.getByTestId('gallery-blank').getByTestId('gallery-choose').click()
  await expect(field).toHaveValue('')
  await expect(dialog).toContainText('Starts as an empty canvas')
  await field.fill('My own name')
  await dialog.getByTestId('gallery-template-billing-dispute').getByTestId('gallery-choose').click()
  await expect(field).toHaveValue('My own name')
  await expect(dialog.getByTestId('gallery-blank')).toHaveAttribute('data-selected', 'false')
  await page.screenshot({ path: `${SHOTS}/gallery-chosen.png` })
  // A smaller screen scrolls the cards inside the dialog; its buttons stay in view.
  await page.setViewportSize({ width: 1280, height: 720 })
  await expect(dialog.getByRole('button', { name: 'Create', exact: true })).toBeInViewport()
  await page.screenshot({ path: `${SHOTS}/gallery-1280x720.png` })
  await page.setViewportSize({ width: 1440, height: 900 })

  // Escape in the connections form closes that form only; Cancel creates nothing.
  const before = (await ok(trpc<unknown[]>(page, 'workflows.list', {}, 'query'))).length
  const missing = dialog.locator('[data-testid^="template-create-connection-"]').first()
  if ((await missing.count()) > 0) {
    await missing.click()
    await expect(page.getByTestId('connection-form')).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('connection-form')).toBeHidden()
    await expect(dialog).toBeVisible()
  }
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  expect((await ok(trpc<unknown[]>(page, 'workflows.list', {}, 'query'))).length).toBe(before)
  expect(consoleErrors).toEqual([])
})

test('without its connections a template runs its test cases green but cannot publish; once they exist and its steps use them, it publishes', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  test.skip(
    (await connectionTypes(page)).has('braze'),
    'a Braze connection exists already (another suite made it): nothing is missing to show',
  )
  const [template] = await templatesOf(page)
  const model = await modelOf(page, template.id)
  let dialog = await openGallery(page)
  let card = dialog.getByTestId(`gallery-template-${template.id}`)
  await expect(card.getByTestId('template-needs-braze')).toHaveAttribute('data-state', 'missing')
  const name = `${template.title} before Braze ${suffix}`
  await createFrom(page, card, template, name)
  const workflowId = workflowIdOf(page)
  await runAllTests(page, model.tests!.length)
  await expect(page.getByTestId('publish-button')).toBeDisabled()
  await page.getByTestId('panel-tab-problems').click()
  await expect(
    page.getByTestId('problem-item').filter({ hasText: 'choose a Braze connection' }).first(),
  ).toBeVisible()

  // The gallery offers the missing kind on the spot.
  dialog = await openGallery(page)
  card = dialog.getByTestId(`gallery-template-${template.id}`)
  await createConnectionFromCard(page, card, 'braze')
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  // Back in the draft: its Braze steps get the connection, then it publishes.
  await page.goto(`/#/workflows/${workflowId}`)
  await editorOpen(page)
  expect(await connectRemainingSteps(page)).toBeGreaterThan(0)
  await publish(page)
  expect(consoleErrors).toEqual([])
})

for (const [index, id] of [
  'personalization',
  'user-segmentation',
  'email-campaign',
  'ab-test',
  'account-deletion',
  'api-key-rotation',
  'billing-dispute',
].entries()) {
  test(`template ${index + 1}/7, ${id}: created from the gallery with its connections, test cases green, published`, async ({
    page,
    consoleErrors,
  }) => {
    await signIn(page)
    const template = (await templatesOf(page)).find((t) => t.id === id)!
    const model = await modelOf(page, id)
    const present = await connectionTypes(page)
    const dialog = await openGallery(page)
    const card = dialog.getByTestId(`gallery-template-${id}`)
    for (const kind of template.connections)
      if (!present.has(kind)) await createConnectionFromCard(page, card, kind)
    for (const kind of template.connections)
      await expect(card.getByTestId(`template-needs-${kind}`)).toHaveAttribute('data-state', 'present')

    await createFrom(page, card, template, `${template.title} ${suffix}`)
    await expect(page.locator('.react-flow__node-flow')).toHaveCount(model.nodes.length)
    await runAllTests(page, model.tests!.length)
    await connectRemainingSteps(page)
    await publish(page)
    await screenshot(page, id, model.nodes.length)
    expect(consoleErrors).toEqual([])
  })
}
