import { expect, signIn, test } from './fixtures'

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

test('a template opens on a React Flow canvas with minimap and controls', async ({ page, consoleErrors }) => {
  await signIn(page)
  await page.getByTestId('template-personalization').click()
  await expect(page.locator('.react-flow__node[data-id="n1"]')).toBeVisible()
  await expect(page.locator('.react-flow__node')).toHaveCount(23) // 20 nodes + 3 groups
  await expect(page.locator('.react-flow__minimap')).toBeVisible()
  await expect(page.locator('.react-flow__controls')).toBeVisible()
  // The palette lists node types declared by the engine registry.
  await expect(page.getByTestId('palette-item-http-request')).toBeVisible()
  expect(consoleErrors).toEqual([])
})
