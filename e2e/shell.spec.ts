import { expect, signIn, test, trpc } from './fixtures'

test('the health check answers', async ({ request }) => {
  const res = await request.get('/healthz')
  expect(res.status()).toBe(200)
  expect(await res.json()).toEqual({ ok: true })
})

test('signing in shows the workflow list with data from the server', async ({ page, consoleErrors }) => {
  await signIn(page)
  await expect(page.getByRole('heading', { name: 'Workflows' })).toBeVisible()
  // The template list and version come from the server through tRPC.
  await expect(page.getByTestId('template-personalization')).toBeVisible()
  await expect(page.getByText(/^v\d+\.\d+\.\d+$/)).toBeVisible()
  expect(consoleErrors).toEqual([])
})

test('a template opens on a React Flow canvas with controls, and a minimap once part of it is out of view', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await page.getByTestId('template-personalization').click()
  // The card asks for the name first, proposing the template's title.
  const dialog = page.getByTestId('new-workflow-dialog')
  await expect(dialog.getByTestId('workflow-name')).toHaveValue('Real-time personalization')
  await dialog.getByTestId('name-dialog-confirm').click()
  await expect(page.locator('.react-flow__node[data-id="n1"]')).toBeVisible()
  await expect(page.locator('.react-flow__node')).toHaveCount(23) // 20 nodes + 3 groups
  await expect(page.locator('.react-flow__controls')).toBeVisible()
  // Whole on screen it needs no minimap; zoomed in, the minimap shows the way to the rest.
  await expect(page.locator('.react-flow__minimap')).toHaveCount(0)
  await page.locator('.react-flow__controls-zoomin').click()
  await page.locator('.react-flow__controls-zoomin').click()
  await expect(page.locator('.react-flow__minimap')).toBeVisible()
  // The palette lists node types declared by the engine registry.
  await expect(page.getByTestId('palette-item-http-request')).toBeVisible()
  expect(consoleErrors).toEqual([])
})

test('a workflow taller than the screen opens fitted, every node in view', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  // A vertical chain taller than the canvas at 100%: off-screen nodes are not rendered until fitted.
  const ids = Array.from({ length: 6 }, (_, i) => `s${i}`)
  const model = {
    title: 'Tall chain',
    description: '',
    groups: [],
    nodes: ids.map((id, i) => ({
      id,
      group: null,
      shape: i === 0 || i === ids.length - 1 ? 'circle' : 'rectangle',
      label: `Step ${i}`,
      ...(i === 0 || i === ids.length - 1 ? {} : { type: 'pass-through' }),
      position: { x: 0, y: i * 200 },
    })),
    edges: ids.slice(1).map((id, i) => ({
      id: `${ids[i]}->${id}`,
      source: ids[i],
      sourceHandle: 'bottom',
      target: id,
      targetHandle: 'top',
    })),
  }
  const created = await trpc<{ id: string }>(page, 'workflows.create', { model })
  await page.goto(`/#/workflows/${created.data!.id}`)
  const canvas = page.locator('.react-flow')
  await expect(page.locator('.react-flow__node')).toHaveCount(ids.length)
  const box = (await canvas.boundingBox())!
  for (const id of ids) {
    const node = (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())!
    expect(node.y).toBeGreaterThanOrEqual(box.y)
    expect(node.y + node.height).toBeLessThanOrEqual(box.y + box.height)
  }
  expect(consoleErrors).toEqual([])
})
