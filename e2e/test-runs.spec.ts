import type { Page } from '@playwright/test'
import { expect as baseExpect, signIn, test, trpc } from './fixtures'

// Other suites may share the machine: a little more room than the 5 s default.
const expect = baseExpect.configure({ timeout: 10_000 })

const LIT = [
  'n1',
  'n2',
  'n3',
  'n4',
  'n6',
  'n8',
  'n9',
  'n10',
  'n11',
  'n13',
  'n14',
  'n15',
  'n16',
  'n17',
  'n19',
  'n20',
]
const RULED_OUT = ['n5', 'n7', 'n12', 'n18']
const recommendations = [
  { id: 'sku-run-02', title: 'Tempo race singlet', score: 0.91 },
  { id: 'sku-run-01', title: 'Cloudstride running shoe', score: 0.87 },
]

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`)

async function openTemplateRunPanel(page: Page) {
  await signIn(page)
  await page.getByTestId('template-personalization').click()
  await page.getByTestId('name-dialog-confirm').click()
  await expect(node(page, 'n1')).toBeVisible({ timeout: 20_000 })
  await page.getByTestId('panel-tab-run').click()
  // The run panel is wider than the inspector: fit again so every node is on screen (and rendered).
  await page.getByTestId('cmd-fit-view').click()
  await expect(page.locator('.react-flow__node-flow')).toHaveCount(20)
}

/**
 * The template with its Braze steps pointed at a Braze connection (saved as version 2):
 * without one the server counts the steps as errors and publishing stops there, before tests.
 */
async function openConnectedTemplateRunPanel(page: Page) {
  await signIn(page)
  const ok = <T>(r: { data?: T; error?: { message: string } }): T => {
    if (r.error || r.data === undefined) throw new Error(r.error?.message ?? 'no data')
    return r.data
  }
  const conn = ok(
    await trpc<{ id: string }>(page, 'connections.create', {
      name: `Braze e2e ${Date.now()}`,
      type: 'braze',
      config: { restEndpoint: 'https://rest.iad-01.braze.com' },
      secret: 'e2e-not-a-real-key',
    }),
  )
  const { id } = ok(await trpc<{ id: string }>(page, 'workflows.create', { template: 'personalization' }))
  type Model = { nodes: { type?: string; config?: Record<string, unknown> }[] }
  const wf = ok(
    await trpc<{ latestVersion: number; version: { model: Model } }>(page, 'workflows.get', { id }, 'query'),
  )
  const model = wf.version.model
  model.nodes = model.nodes.map((n) =>
    n.type?.startsWith('braze') ? { ...n, config: { ...n.config, connectionId: conn.id } } : n,
  )
  ok(
    await trpc(page, 'workflows.save', {
      id,
      baseVersion: wf.latestVersion,
      model,
      message: 'Connect Braze',
    }),
  )
  await page.goto(`/#/workflows/${id}`)
  await expect(node(page, 'n1')).toBeVisible({ timeout: 20_000 })
  await page.getByTestId('panel-tab-run').click()
}

async function mockN8(page: Page, body: unknown) {
  await page.getByTestId('run-add-mock').selectOption('n8')
  await page
    .getByTestId('run-mock-editor-n8')
    .fill(JSON.stringify({ status: 200, headers: {}, body }, null, 2))
}

/** Each canvas node's and edge's trace state, as the DOM shows it. */
async function traceStates(page: Page) {
  return page.evaluate(() => {
    const nodes: Record<string, string> = {}
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node-flow')) {
      nodes[el.dataset.id!] = el.querySelector<HTMLElement>('[data-trace]')?.dataset.trace ?? ''
    }
    const edges: Record<string, string> = {}
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__edge')) {
      edges[el.dataset.id!] = el.querySelector<SVGGElement>('g[data-trace]')?.dataset.trace ?? ''
    }
    return { nodes, edges }
  })
}

const idsWith = (states: Record<string, string>, value: string) =>
  Object.keys(states)
    .filter((id) => states[id] === value)
    .sort()

test('a purchase by a push user, with the recommender mocked confident, lights up exactly its path', async ({
  page,
  consoleErrors,
}) => {
  await openTemplateRunPanel(page)
  // Dry by default, and the canvas says so.
  await expect(page.getByTestId('dry-run-banner')).toContainText('nothing is sent')

  await page.getByTestId('run-sample-select').selectOption('order-completed')
  const event = JSON.parse(await page.getByTestId('run-event-editor').inputValue())
  expect(event).toMatchObject({
    type: 'track',
    event: 'Order Completed',
    context: { traits: { preferred_channel: 'push' } },
  })
  await mockN8(page, { confidence: 0.9, recommendations })
  await page.getByTestId('run-start').click()

  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded')
  const { nodes, edges } = await traceStates(page)
  expect(idsWith(nodes, 'succeeded')).toEqual([...LIT].sort())
  expect(idsWith(nodes, 'skipped')).toEqual([...RULED_OUT].sort())
  // Taken: exactly the edges between lit nodes; every other edge is ruled out.
  const lit = new Set(LIT)
  const between = Object.keys(edges).filter((id) => {
    const [source, target] = id.split('->')
    return lit.has(source) && lit.has(target)
  })
  expect(between.length).toBe(15)
  expect(idsWith(edges, 'taken')).toEqual(between.sort())
  expect(idsWith(edges, 'ruled-out')).toEqual(
    Object.keys(edges)
      .filter((id) => !between.includes(id))
      .sort(),
  )
  // Durations on the nodes, and the mocked step says it was mocked.
  await expect(page.getByTestId('node-duration-n8')).toContainText('mocked')
  await expect(page.getByTestId('step-list').locator('[data-testid^="step-row-"]')).toHaveCount(20)

  // The Braze campaign step: the request it would have sent, for this event's user.
  await node(page, 'n16').click()
  const details = page.getByTestId('step-details')
  await expect(details).toHaveAttribute('data-node', 'n16')
  const request = details.getByTestId('step-request')
  await expect(request).toContainText('Would send')
  await expect(request).toContainText('POST')
  await expect(request).toContainText('/campaigns/trigger/send')
  await expect(request.getByTestId('step-request-body')).toContainText(`"${event.userId}"`)
  expect(consoleErrors).toEqual([])
})

test('a mock missing a required field fails the run at n10, shown in red with the message', async ({
  page,
  consoleErrors,
}) => {
  await openTemplateRunPanel(page)
  await mockN8(page, { recommendations }) // no confidence: n10's subject has no value
  await page.getByTestId('run-start').click()

  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'failed')
  const n10 = node(page, 'n10')
  await expect(n10.locator('[data-trace]')).toHaveAttribute('data-trace', 'failed')
  await expect(n10.locator('polygon')).toHaveClass(/stroke-red-500/)
  await expect(page.getByTestId('node-error-n10')).toBeVisible()
  await expect(page.getByTestId('node-error-n10')).toContainText('no branch matches')
  await expect(page.getByTestId('run-error')).toContainText('n10')
  // Nothing after the failure ran.
  await expect(node(page, 'n11').locator('[data-trace]')).toHaveAttribute('data-trace', 'not-reached')
  await expect(node(page, 'n9').locator('[data-trace]')).toHaveAttribute('data-trace', 'succeeded')

  await n10.click()
  await expect(page.getByTestId('step-error')).toContainText('no branch matches value undefined')
  expect(consoleErrors).toEqual([])
})

test('a failing test case blocks publishing by name; fixing it lets the version publish', async ({
  page,
  consoleErrors,
}) => {
  await openConnectedTemplateRunPanel(page)
  await expect(page.getByText('0 errors')).toBeVisible()
  await page.getByTestId('run-segment-tests').click()
  await page.getByTestId('test-run-all').click()
  await expect(page.getByTestId('test-summary')).toHaveText('5 of 5 passed')

  // Break "purchase, unsure prediction, email": expect a step that case rules out.
  const name = 'purchase, unsure prediction, email'
  await expect(page.getByTestId('test-case-1')).toContainText(name)
  await page.getByTestId('test-case-edit-1').click()
  const ran = page.getByTestId('tc-expect-ran')
  const original = await ran.inputValue()
  await ran.fill(`${original} n19`)
  await page.getByTestId('tc-save').click()
  await page.getByTestId('test-run-all').click()
  await expect(page.getByTestId('test-summary')).toHaveText('4 of 5 passed')
  await expect(page.getByTestId('test-case-reason-1')).toContainText(
    'expected n19 to run, but it was ruled out',
  )

  await save(page)
  await page.getByTestId('publish-button').click()
  const refusal = page.getByTestId('publish-refusal')
  await expect(refusal).toContainText(`Test case "${name}" failed`)
  await expect(page.getByTestId('publish-button')).toHaveText('Publish')

  // Fix it, save, publish.
  await page.getByTestId('test-case-edit-1').click()
  await page.getByTestId('tc-expect-ran').fill(original)
  await page.getByTestId('tc-save').click()
  await save(page)
  await expect(refusal).toHaveCount(0)
  await page.getByTestId('publish-button').click()
  await expect(page.getByTestId('publish-button')).toHaveText('✓ Published')
  await expect(refusal).toHaveCount(0)
  expect(consoleErrors).toEqual([])
})

test('a past run replays on the canvas from the history; unsaved drafts run as they are', async ({
  page,
  consoleErrors,
}) => {
  await openTemplateRunPanel(page)
  await page.getByTestId('run-sample-select').selectOption('page')
  await page.getByTestId('run-start').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded')
  await expect(node(page, 'n5').locator('[data-trace]')).toHaveAttribute('data-trace', 'succeeded')

  // Keep it as a test case: this event, and the path the run took.
  await page.getByTestId('run-segment-setup').click()
  await page.getByTestId('save-as-test-case').click()
  await page.getByTestId('tc-name').fill('page view, saved from a run')
  // The demo recommender decides between n11 and n12; the event decides the rest.
  await expect(page.getByTestId('tc-expect-not-ran')).toHaveValue(/^n6 n7 n1[12] n18$/)
  await page.getByTestId('tc-save').click()
  await page.getByTestId('run-segment-tests').click()
  await expect(page.getByTestId('test-case-5')).toContainText('page view, saved from a run')
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'true')

  // An edit makes a draft: the toolbar's Run runs it unsaved.
  await node(page, 'n2').dblclick()
  await page.getByLabel('Node label').fill('Watch events (edited)')
  await page.getByLabel('Node label').press('Enter')
  await page.getByTestId('run-segment-setup').click()
  await page.getByTestId('run-sample-select').selectOption('identify')
  await page.getByTestId('toolbar-run').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded')
  await expect(node(page, 'n7').locator('[data-trace]')).toHaveAttribute('data-trace', 'succeeded')

  await page.getByTestId('clear-trace').click()
  await expect(node(page, 'n1').locator('[data-trace]')).toHaveCount(0)
  await page.getByTestId('run-segment-history').click()
  const rows = page.getByTestId('run-history-row')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toContainText('draft')
  await expect(rows.nth(1)).toContainText('v1')
  // The older run: the page view took n5.
  await rows.nth(1).click()
  await expect(node(page, 'n5').locator('[data-trace]')).toHaveAttribute('data-trace', 'succeeded')
  await expect(node(page, 'n7').locator('[data-trace]')).toHaveAttribute('data-trace', 'skipped')
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded')
  expect(consoleErrors).toEqual([])
})

async function save(page: Page) {
  await page.getByTestId('save-button').click()
  await page.getByTestId('save-confirm').click()
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'false')
}
