import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import {
  createBlank,
  dropFromPalette,
  edge,
  expect,
  exportFlow,
  node,
  openTemplate,
  parseFlow,
} from './editor-helpers'
import { signIn, test } from './fixtures'

test.describe.configure({ timeout: 150_000 })

const SHOTS = process.env.NOCODE_SHOTS ?? '/tmp/shots'

async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/nocode-${name}.png` })
}

/** "+" on the selected step's output, then a step from the menu: returns the new step's id. */
async function addStepAfter(page: Page, from: string, type: string): Promise<string> {
  await select(page, from)
  const shownId = page.getByTestId('node-inspector').locator('.font-mono').first()
  await expect(shownId).toHaveText(from)
  await page.getByTestId(`add-step-after-${from}`).click()
  await page.getByTestId(`add-step-${type}`).click()
  // The new step is selected (the inspector shows it), on screen and connected from `from`.
  await expect(shownId).not.toHaveText(from)
  const id = (await shownId.textContent()) ?? ''
  await expect(node(page, id)).toBeInViewport()
  await expect(edge(page, `${from}->${id}`)).toHaveCount(1)
  return id
}

/** Clicks a step, fitting the view first when it is off-screen (the canvas pans to new steps). */
async function select(page: Page, id: string) {
  const onScreen = await node(page, id)
    .evaluate((el) => {
      const r = el.getBoundingClientRect()
      const pane = document.querySelector('.react-flow__pane')?.getBoundingClientRect()
      return (
        !!pane && r.left >= pane.left && r.right <= pane.right && r.top >= pane.top && r.bottom <= pane.bottom
      )
    })
    .catch(() => false)
  if (!onScreen) await page.getByTestId('cmd-fit-view').click()
  await node(page, id).click()
}

async function setLabel(page: Page, label: string) {
  await page.getByTestId('inspector-label').fill(label)
  await page.getByTestId('inspector-label').press('Enter')
}

/** Opens a field's data picker and chooses a field by its path. */
async function pick(page: Page, picker: string, path: string) {
  await page.getByTestId(picker).click()
  await page.locator(`[data-testid="data-picker-item"][data-path="${path}"]`).click()
}

test('a marketer builds sign-up → wait → welcome e-mail → opened? → tag without typing JSONata', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await createBlank(page, 'Sign-up welcome')

  // The picker lists the fields of the run panel's sample event: choose the sign-up one.
  await page.getByTestId('panel-tab-run').click()
  await page.getByTestId('run-sample-select').selectOption('signed-up')
  await page.getByTestId('panel-tab-inspector').click()

  const start = await dropFromPalette(page, 'start', { x: 80, y: 260 })
  await node(page, start).click()
  await setLabel(page, 'Signed up')

  // Wait: a number and a unit, written as the wait step reads it.
  const wait = await addStepAfter(page, start, 'wait')
  await page.getByTestId('config-duration-amount').fill('1')
  await page.getByTestId('config-duration-unit').selectOption('d')
  await page.getByTestId('config-duration-amount').press('Tab')
  await expect(page.getByTestId('config-duration-summary')).toHaveText('1 day')
  await shot(page, 'duration')

  // Welcome e-mail: recipient and greeting from the event, through the picker.
  const email = await addStepAfter(page, wait, 'send-email')
  await setLabel(page, 'Welcome e-mail')
  await page.getByTestId('config-to').fill('')
  await page.getByTestId('config-to').press('Tab')
  await pick(page, 'config-to-picker', 'event.context.traits.email')
  await expect(page.getByTestId('config-to')).toHaveValue('{{ event.context.traits.email }}')
  await page.getByTestId('config-subject').fill('Welcome, ')
  await page.getByTestId('config-subject').press('End')
  await page.getByTestId('config-subject-picker').click()
  await expect(page.getByTestId('data-picker-group').first()).toContainText('Event')
  await shot(page, 'picker')
  await page.locator('[data-testid="data-picker-item"][data-path="event.context.traits.firstName"]').click()
  await expect(page.getByTestId('config-subject')).toHaveValue(
    'Welcome, {{ event.context.traits.firstName }}',
  )
  await page.getByTestId('config-text').fill('Thanks for signing up.')
  await page.getByTestId('config-text').press('Tab')

  // Opened? — a decision, with a branch to the tag step and an "otherwise" end.
  const decision = await addStepAfter(page, email, 'decision')
  await setLabel(page, 'Opened?')
  const tag = await addStepAfter(page, decision, 'braze-update-profile')
  await setLabel(page, 'Tag as welcomed')
  await page.getByTestId('config-attributes-add').click()
  const row = page.getByTestId('config-attributes')
  const name = row.getByRole('textbox', { name: 'Name', exact: true })
  await name.fill('welcome_plan')
  await name.press('Tab')
  await row.getByRole('button', { name: /Insert a field/ }).click()
  await page.locator('[data-testid="data-picker-item"][data-path="event.properties.plan"]').click()
  await expect(row.getByRole('textbox', { name: 'Value of welcome_plan' })).toHaveValue(
    'event.properties.plan',
  )
  await shot(page, 'name-value')
  const tagDone = await addStepAfter(page, tag, 'end')
  await setLabel(page, 'Tagged')
  const notOpened = await addStepAfter(page, decision, 'end')
  await setLabel(page, 'Not opened')

  await select(page, decision)
  const rules = page.getByTestId('branch-rule')
  await expect(rules).toHaveCount(2)
  await page.getByTestId('decision-else').selectOption({ label: 'Not opened' })
  await expect(rules).toHaveCount(1)
  await rules.getByTestId('branch-field').click()
  // The e-mail step has not run yet: its fields come from the step type's example output.
  await expect(page.getByTestId('data-picker')).toContainText('Welcome e-mail')
  await page.locator(`[data-testid="data-picker-item"][data-path="steps.${email}.accepted"]`).click()
  await rules.getByTestId('branch-operator').selectOption('exists')
  await expect(rules.getByTestId('branch-field')).toHaveText(/Welcome e-mail › accepted/)
  // The decision's own problems (no subject, unlabelled branches) are gone.
  await expect(page.getByTestId('node-inspector').getByText('has no subject')).toHaveCount(0)
  await expect(page.getByTestId('node-inspector').getByText('without a label')).toHaveCount(0)
  await shot(page, 'condition-builder')

  // Advanced shows what the builder wrote: the notation's subject, and labels on the edges.
  await page.getByTestId('decision-mode-advanced').click()
  await expect(page.getByTestId('config-subject')).toHaveValue(
    `$exists(steps.${email}.accepted) ? "accepted exists"`,
  )
  await page.getByTestId('decision-mode-builder').click()
  await expect(page.getByTestId(`edge-label-${decision}->${notOpened}`)).toHaveText('else')

  const model = parseFlow(await exportFlow(page))
  const config = (id: string) => model.nodes.find((n) => n.id === id)?.config
  expect(config(wait)).toEqual({ duration: '1d' })
  expect(config(email)).toMatchObject({
    to: '{{ event.context.traits.email }}',
    subject: 'Welcome, {{ event.context.traits.firstName }}',
  })
  expect(config(tag)).toMatchObject({ attributes: { welcome_plan: 'event.properties.plan' } })
  expect(model.edges.find((e) => e.id === `${decision}->${tag}`)?.label).toBe('accepted exists')

  // Test-run it with the sign-up event: the wait is skipped, the e-mail recorded, the tag applied.
  await page.getByTestId('panel-tab-run').click()
  await page.getByTestId('run-sample-select').selectOption('signed-up')
  await page.getByTestId('run-start').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded')
  for (const id of [start, wait, email, decision, tag, tagDone])
    await expect(page.getByTestId(`step-row-${id}`).first()).toHaveAttribute('data-status', 'succeeded')

  // The decision's detail says why it went where it went.
  await page.getByTestId(`step-row-${decision}`).first().click()
  await expect(page.getByTestId('decision-subject-value')).toHaveText('"accepted exists"')
  await expect(page.getByTestId('decision-field-value')).toContainText('noah.kim@example.com')
  await expect(page.getByTestId('decision-matched')).toContainText('Welcome e-mail › accepted exists')
  await expect(page.getByTestId('decision-matched')).toContainText('Tag as welcomed')
  await shot(page, 'decision-outcome')
  expect(consoleErrors).toEqual([])
})

test('advanced fields complete the picker’s paths as you type, and a pick replaces a prefilled field instead of gluing onto it', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await createBlank(page, 'Advanced fields')
  await page.getByTestId('panel-tab-run').click()
  await page.getByTestId('run-sample-select').selectOption('signed-up')
  await page.getByTestId('panel-tab-inspector').click()
  const start = await dropFromPalette(page, 'start', { x: 80, y: 260 })

  // A prefilled field reference (External user ID = event.userId), caret at its end: the pick swaps it.
  const profile = await addStepAfter(page, start, 'braze-update-profile')
  const userId = page.getByTestId('config-externalUserId')
  await expect(userId).toHaveValue('event.userId')
  await userId.click()
  await userId.press('End')
  await pick(page, 'config-externalUserId-picker', 'event.anonymousId')
  await expect(userId).toHaveValue('event.anonymousId')
  await expect(page.getByTestId('expression-readable')).toHaveText('Uses Event › anonymousId')

  // JSONata stays available, with completion of the same paths.
  const decision = await addStepAfter(page, profile, 'decision')
  await page.getByTestId('decision-mode-advanced').click()
  const subject = page.getByTestId('config-subject')
  await subject.click()
  await subject.pressSequentially('event.con')
  const suggestions = page.getByTestId('expression-suggestions')
  await expect(suggestions.getByRole('option').first()).toHaveText(/^event\.context/)
  await subject.press('Enter')
  await expect(subject).toHaveValue('event.context')
  await subject.pressSequentially('.traits.pref')
  await expect(suggestions.getByRole('option')).toHaveCount(1)
  await subject.press('Enter')
  await subject.press('Tab')
  await expect(subject).toHaveValue('event.context.traits.preferred_channel')
  // A plain field is what the builder reads: back to conditions without losing it.
  await page.getByTestId('decision-mode-builder').click()
  await expect(page.getByTestId('decision-mode-builder')).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByTestId('node-inspector')).toContainText('each connection becomes a branch')
  await expect(node(page, decision)).toBeVisible()
  expect(consoleErrors).toEqual([])
})

test('the condition builder reads the template’s own decision (a field and > / <= labels) and writes the same notation back', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await openTemplate(page)
  await select(page, 'n10')
  const rules = page.getByTestId('branch-rule')
  await expect(rules).toHaveCount(2)
  await expect(rules.nth(0).getByTestId('branch-operator')).toHaveValue('gt')
  await expect(rules.nth(0).getByTestId('branch-value')).toHaveValue('0.7')
  await expect(rules.nth(0)).toContainText('Use personalized content')
  await expect(rules.nth(1).getByTestId('branch-operator')).toHaveValue('lte')
  await expect(rules.nth(0).getByTestId('branch-field')).toHaveText(/confidence/)
  // A marketer raises the bar: the edge labels say so, in the notation's own words.
  for (const [i, value] of [
    [0, '0.8'],
    [1, '0.8'],
  ] as const) {
    await rules.nth(i).getByTestId('branch-value').fill(value)
    await rules.nth(i).getByTestId('branch-value').press('Enter')
  }
  await expect(page.getByTestId('edge-label-n10->n11')).toHaveText('> 0.8')
  await expect(page.getByTestId('edge-label-n10->n12')).toHaveText('<= 0.8')
  await page.getByTestId('decision-mode-advanced').click()
  await expect(page.getByTestId('config-subject')).toHaveValue('steps.n9.confidence')
  expect(consoleErrors).toEqual([])
})
