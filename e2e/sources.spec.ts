import { Analytics } from '@segment/analytics-node'
import { expect, signIn, test, trpc } from './fixtures'

const echoFlow = {
  title: 'Welcome from the app',
  description: '',
  groups: [],
  nodes: [
    { id: 's', group: null, shape: 'circle', label: 'Event', type: 'start', config: {} },
    { id: 'e', group: null, shape: 'circle', label: 'Done', type: 'end' },
  ],
  edges: [{ id: 's-e', source: 's', sourceHandle: 'right', target: 'e', targetHandle: 'left' }],
}

test('a source is created in the app, a workflow subscribes, and an app’s event through Segment’s library runs it', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  const created = await trpc<{ id: string }>(page, 'workflows.create', { model: echoFlow })
  const workflowId = created.data!.id
  await trpc(page, 'workflows.publish', { id: workflowId, version: 1 })

  await page.getByTestId('nav-connections').click()
  await page.getByTestId('tab-sources').click()
  await page.getByTestId('source-name').fill('Shop web app')
  await page.getByTestId('source-create').click()
  const card = page.getByTestId('source-Shop web app')
  await expect(card.getByTestId('write-key')).toHaveText(/^wk_/)
  const writeKey = (await card.getByTestId('write-key').textContent())!.trim()
  await card.getByTestId('source-subscribe').selectOption({ label: 'Welcome from the app' })
  await expect(card.getByRole('button', { name: 'Welcome from the app' })).toBeVisible()
  await page.screenshot({ path: 'test-results/sources-page.png' })

  const analytics = new Analytics({ writeKey, host: new URL(page.url()).origin, flushAt: 1, maxRetries: 0 })
  analytics.track({ userId: 'shopper-1', event: 'Order Completed', properties: { total: 42 } })
  await analytics.closeAndFlush()

  const messages = card.getByTestId('source-messages')
  await expect(messages).toContainText('track Order Completed · shopper-1')
  await messages.getByRole('button', { name: 'run ↗' }).first().click()
  await expect(page.getByText('succeeded').first()).toBeVisible()
  expect(consoleErrors).toEqual([])
})
