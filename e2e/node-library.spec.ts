import { connect, createBlank, dropFromPalette, expect, exportFlow, node, parseFlow } from './editor-helpers'
import { signIn, test, trpc } from './fixtures'

test.describe.configure({ timeout: 120_000 })

/** Types a value into a generated config field and leaves it, which commits it. */
async function setField(page: import('@playwright/test').Page, name: string, value: string) {
  const field = page.getByTestId(`config-${name}`)
  await field.fill(value)
  await field.press('Tab')
}

/** Durations are a number and a unit (seconds … days), written as the engine reads them ("4d"). */
async function setDuration(
  page: import('@playwright/test').Page,
  name: string,
  amount: string,
  unit: string,
) {
  await page.getByTestId(`config-${name}-amount`).fill(amount)
  await page.getByTestId(`config-${name}-unit`).selectOption(unit)
  await page.getByTestId(`config-${name}-amount`).press('Tab')
}

test('start (filter), A/B split, significance and data store are added from the palette and configured in the inspector', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await createBlank(page)

  const start = await dropFromPalette(page, 'start', { x: 90, y: 240 })
  const split = await dropFromPalette(page, 'ab-split', { x: 320, y: 240 })
  const report = await dropFromPalette(page, 'significance', { x: 600, y: 140 })
  const other = await dropFromPalette(page, 'pass-through', { x: 600, y: 360 })
  const counter = await dropFromPalette(page, 'data-store', { x: 320, y: 480 })
  // Each canvas node draws its type's own icon, straight from the spec.
  await expect(node(page, split).locator('path[d^="M16 3h5v5M8 3H3v5"]')).toHaveCount(1)
  await expect(node(page, report).locator('path[d^="M3 3v18h18"]')).toHaveCount(1)

  await node(page, start).click()
  await setField(page, 'filter', 'event.type = "track"')

  await node(page, split).click()
  await expect(page.getByTestId('inspector-type')).toHaveValue('ab-split')
  await setField(page, 'variants', '[{"label": "A", "weight": 90}, {"label": "B", "weight": 10}]')
  await setField(page, 'key', 'event.anonymousId')

  await node(page, report).click()
  await setField(page, 'a', '{"conversions": "vars.ca", "exposures": "vars.na"}')
  await setField(page, 'b', '{"conversions": "vars.cb", "exposures": "vars.nb"}')
  await setField(page, 'alpha', '0.01')

  await node(page, counter).click()
  await setField(page, 'store', 'sends-per-user')
  await page.getByTestId('config-operation').selectOption('increment')
  await setField(page, 'key', 'event.userId')
  await setDuration(page, 'ttl', '1', 'd')

  await connect(page, [start, 'right'], [split, 'left'])
  const toReport = await connect(page, [split, 'top'], [report, 'left'])
  const toOther = await connect(page, [split, 'bottom'], [other, 'left'])
  // The split's edges are branches: unlabelled ones are errors until they name a variant.
  await page.getByTestId('problems-toggle').click()
  const branchProblems = page
    .getByTestId('problem-item')
    .filter({ hasText: 'label it with one of its branches' })
  await expect(branchProblems).toHaveCount(2)
  for (const [id, variant] of [
    [toReport, 'A'],
    [toOther, 'B'],
  ]) {
    await page.getByTestId(`edge-add-label-${id}`).click()
    const field = page.getByLabel('Branch condition')
    await field.fill(variant)
    await field.press('Enter')
    await expect(page.getByTestId(`edge-label-${id}`)).toHaveText(variant)
  }

  const model = parseFlow(await exportFlow(page))
  const config = (id: string) => model.nodes.find((n) => n.id === id)?.config
  expect(config(start)).toEqual({ filter: 'event.type = "track"' })
  expect(config(split)).toEqual({
    variants: [
      { label: 'A', weight: 90 },
      { label: 'B', weight: 10 },
    ],
    key: 'event.anonymousId',
  })
  expect(config(report)).toEqual({
    a: { conversions: 'vars.ca', exposures: 'vars.na' },
    b: { conversions: 'vars.cb', exposures: 'vars.nb' },
    alpha: 0.01,
  })
  expect(config(counter)).toEqual({
    store: 'sends-per-user',
    operation: 'increment',
    key: 'event.userId',
    ttl: '1d',
  })
  await expect(branchProblems).toHaveCount(0)
  expect(consoleErrors).toEqual([])
})

test('the editor reports a step without its connection before Publish does, as the server will', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await createBlank(page)
  const start = await dropFromPalette(page, 'start', { x: 90, y: 240 })
  const send = await dropFromPalette(page, 'braze-send-message', { x: 340, y: 240 })
  const end = await dropFromPalette(page, 'end', { x: 600, y: 240 })
  await connect(page, [start, 'right'], [send, 'left'])
  await connect(page, [send, 'right'], [end, 'left'])
  await page.getByTestId('problems-toggle').click()
  await expect(
    // Named by the step's label and the setting's title, not by ids.
    page
      .locator(`[data-testid="problem-item"][data-node-id="${send}"]`)
      .filter({ hasText: '“Braze: send message”: choose a Braze connection (“Connection”)' }),
  ).toHaveCount(1)
  await expect(page.getByTestId('publish-button')).toBeDisabled()
  expect(consoleErrors).toEqual([])
})

test('a connection is created with the form its kind declares in the engine', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await page.goto('/connections')
  await page.getByTestId('connection-new').click()
  const form = page.getByTestId('connection-form')
  await form.getByTestId('connection-name').fill('Reco API (e2e)')
  await form.getByTestId('connection-type').selectOption('http')
  // The HTTP kind's settings: base URL and authentication, generated from its schema.
  await form.getByTestId('config-baseUrl').fill('https://reco.example.com/v1')
  await form.getByTestId('config-baseUrl').press('Tab')
  await form.getByTestId('config-auth').selectOption('header')
  await form.getByTestId('config-headerName').fill('X-Api-Key')
  await form.getByTestId('config-headerName').press('Tab')
  await expect(form.getByLabel('Token or header value')).toBeVisible()
  await form.getByTestId('connection-secret').fill('s3cret-e2e')
  await form.getByTestId('connection-save').click()
  await expect(form).toBeHidden()
  const row = page.getByTestId('connection-row').filter({ hasText: 'Reco API (e2e)' })
  await expect(row).toContainText('HTTP API')
  await expect(row).toContainText('https://reco.example.com/v1 · header · X-Api-Key')
  expect(consoleErrors).toEqual([])
})

test('send e-mail, generate secret, wait for event, approval and schedule are added from the palette and configured', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  const smtp = await trpc<{ id: string }>(page, 'connections.create', {
    name: 'Mail relay',
    type: 'smtp',
    config: {
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      user: 'flowline',
      from: 'Flowline <hello@example.com>',
    },
    secret: 'relay-password',
  })
  expect(smtp.error).toBeUndefined()
  await createBlank(page)

  const schedule = await dropFromPalette(page, 'schedule', { x: 90, y: 120 })
  const secret = await dropFromPalette(page, 'generate-secret', { x: 320, y: 120 })
  const mail = await dropFromPalette(page, 'send-email', { x: 560, y: 120 })
  const answer = await dropFromPalette(page, 'wait-for-event', { x: 320, y: 380 })
  const review = await dropFromPalette(page, 'approval', { x: 560, y: 380 })

  await node(page, schedule).click()
  await setField(page, 'cron', '0 9 * * 1')
  await setField(page, 'timezone', 'Europe/Paris')
  // The inspector says when it will run next, in the chosen zone.
  await expect(page.getByTestId('schedule-next-runs')).toContainText('09:00')

  await node(page, secret).click()
  await setField(page, 'bytes', '24')
  await page.getByTestId('config-encoding').selectOption('hex')
  await setField(page, 'prefix', 'sk_')

  await node(page, mail).click()
  await page.getByTestId('config-connectionId').selectOption({ label: 'Mail relay' })
  await setField(page, 'to', '{{ event.context.traits.email }}')
  await setField(page, 'subject', 'Your new key')
  await setField(page, 'text', 'Fingerprint {{ steps.' + secret + '.fingerprint }}')

  await node(page, answer).click()
  await setField(page, 'filter', 'event = "Offer Accepted"')
  await setDuration(page, 'timeout', '4', 'd')

  await node(page, review).click()
  await setField(page, 'assignees', 'editor, boss@example.com')
  await setField(page, 'title', 'Refund {{ event.properties.amount }}?')
  await setDuration(page, 'timeout', '36', 'h')

  const model = parseFlow(await exportFlow(page))
  const config = (id: string) => model.nodes.find((n) => n.id === id)?.config
  expect(config(schedule)).toMatchObject({ cron: '0 9 * * 1', timezone: 'Europe/Paris' })
  expect(config(secret)).toMatchObject({ bytes: 24, encoding: 'hex', prefix: 'sk_' })
  expect(config(mail)).toMatchObject({
    connectionId: smtp.data!.id,
    to: '{{ event.context.traits.email }}',
    subject: 'Your new key',
  })
  expect(config(answer)).toMatchObject({ filter: 'event = "Offer Accepted"', timeout: '4d' })
  expect(config(review)).toMatchObject({ assignees: 'editor, boss@example.com', timeout: '36h' })
  expect(consoleErrors).toEqual([])
})
