import { createHmac } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, flowNodes, newPage, node, waitForEditor } from './editor-helpers'
import { admin, signIn, test, trpc } from './fixtures'

/**
 * Issue 18: a marketer takes a workflow live without a developer. People (invite by a
 * one-time link, role change, deactivation), the trigger panel (webhook URL, secret, a real
 * delivery), the workflow lifecycle from the list and the editor, and one verdict on errors.
 */
test.describe.configure({ timeout: 120_000 })

const SHOTS = '/tmp/shots-18'
const suffix = Date.now().toString(36)
const CANVAS_READY = 20_000

/** Start → one step → End: publishable as it is, and the step's type can be changed in the inspector. */
const tiny = (title: string) => `${title}
n1: circle label:"Start" type:start config:{}
n2: rectangle label:"Send" type:pass-through config:{}
n3: circle label:"End" type:end config:{}
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left)
`

async function ok<T>(p: Promise<{ data?: T; error?: { code: string; message: string } }>): Promise<T> {
  const r = await p
  if (r.error || r.data === undefined)
    throw new Error(r.error ? `${r.error.code}: ${r.error.message}` : 'no data')
  return r.data
}

const row = (page: Page, title: string) =>
  page.getByTestId('workflow-row').filter({ has: page.getByRole('link', { name: title, exact: true }) })

async function rowAction(page: Page, title: string, action: string) {
  await row(page, title).getByTestId('row-menu').click()
  await page.getByTestId(`menu-${action}`).click()
}

test('an admin invites by e-mail; the invitee sets a password through the one-time link, and a role change takes effect', async ({
  page,
  browser,
  baseURL,
  consoleErrors,
}) => {
  mkdirSync(SHOTS, { recursive: true })
  const email = `invitee-${suffix}@flowline.test`
  await signIn(page)
  await page.getByTestId('nav-people').click()
  await expect(page.getByRole('heading', { name: 'People' })).toBeVisible()
  await page.getByTestId('invite-button').click()
  await page.getByTestId('invite-email').fill(email)
  await page.getByTestId('invite-role-viewer').check()
  await expect(page.getByTestId('invite-method-link')).toBeChecked()
  await page.getByTestId('invite-submit').click()
  const link = await page.getByTestId('handover-link').inputValue()
  expect(link).toMatch(new RegExp(`^${baseURL}/#/set-password/[\\w-]{40,}$`))
  await page.getByTestId('invite-done').click()
  const person = page.getByTestId('person-row').filter({ hasText: email })
  await expect(person.getByTestId('person-status')).toHaveText('Invited')
  await expect(person.getByTestId('person-role')).toHaveValue('viewer')

  // The invitee, in their own browser: the link names the account and signs them in.
  const invitee = await newPage(browser, baseURL)
  await invitee.page.goto(link)
  await expect(invitee.page.getByTestId('link-email')).toHaveText(email)
  await invitee.page.getByLabel('New password', { exact: true }).fill('invitee-password-1')
  await invitee.page.getByLabel('Repeat the new password').fill('invitee-password-1')
  await invitee.page.getByTestId('set-password-submit').click()
  await expect(invitee.page.getByTestId('current-user')).toContainText(email)
  await expect(invitee.page.getByTestId('current-user')).toContainText('viewer')
  await expect(invitee.page.getByRole('heading', { name: 'Workflows' })).toBeVisible()
  // Viewers cannot create workflows.
  await expect(invitee.page.getByTestId('create-blank')).toHaveCount(0)
  await page.reload()
  await expect(person.getByTestId('person-status')).toHaveText('Active')

  // Single use: the same link, anywhere, no longer works.
  const stranger = await newPage(browser, baseURL)
  await stranger.page.goto(link)
  await expect(stranger.page.getByTestId('link-error')).toContainText('used already')
  await stranger.page.context().close()

  // The admin makes them an editor: after a reload they can create workflows.
  await person.getByTestId('person-role').selectOption('editor')
  await expect(page.getByTestId('toast').filter({ hasText: `${email} is now an editor` })).toBeVisible()
  await invitee.page.reload()
  await expect(invitee.page.getByTestId('current-user')).toContainText('editor')
  await expect(invitee.page.getByTestId('create-blank')).toBeVisible()

  // Their own password, with the current one.
  await invitee.page.getByTestId('current-user').click()
  await invitee.page.getByLabel('Current password').fill('invitee-password-1')
  await invitee.page.getByLabel('New password', { exact: true }).fill('invitee-password-2')
  await invitee.page.getByLabel('Repeat the new password').fill('invitee-password-2')
  await invitee.page.getByTestId('change-password-submit').click()
  await expect(invitee.page.getByTestId('toast').filter({ hasText: 'Password changed' })).toBeVisible()

  await page.screenshot({ path: `${SHOTS}/e2e-people-1440x900.png` })
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.screenshot({ path: `${SHOTS}/e2e-people-1280x720.png` })

  // Deactivated: their session ends at once, and signing in is refused.
  await person.getByTestId('person-menu').click()
  await page.getByTestId('menu-deactivate').click()
  await page.getByTestId('deactivate-confirm').click()
  await expect(person.getByTestId('person-status')).toHaveText('Deactivated')
  await invitee.page.reload()
  await expect(invitee.page.getByRole('button', { name: /sign in/i })).toBeVisible()
  await invitee.page.getByLabel('Email').fill(email)
  await invitee.page.getByLabel('Password').fill('invitee-password-2')
  await invitee.page.getByRole('button', { name: /sign in/i }).click()
  await expect(invitee.page.getByRole('alert')).toContainText('deactivated')

  // All of it is in the audit log.
  const audit = await ok(trpc<{ action: string }[]>(page, 'audit.list', { limit: 50 }, 'query'))
  const actions = audit.map((a) => a.action)
  for (const a of [
    'user.invite',
    'user.set-password',
    'user.set-role',
    'user.change-password',
    'user.deactivate',
  ])
    expect(actions).toContain(a)
  expect(invitee.errors).toEqual([])
  expect(consoleErrors).toEqual([])
})

test('the trigger panel after publishing: the URL it shows takes a real signed POST, and the run appears in its deliveries', async ({
  page,
  baseURL,
  consoleErrors,
}) => {
  await signIn(page)
  const title = `Webhook ${suffix}`
  const { id } = await ok(trpc<{ id: string }>(page, 'workflows.create', { notation: tiny(title) }))
  await page.goto(`/#/workflows/${id}`)
  await expect(node(page, 'n1')).toBeVisible({ timeout: CANVAS_READY })

  // Publishing opens the trigger setup: going live is also pointing events at it.
  await page.getByTestId('publish-button').click()
  const dialog = page.getByTestId('trigger-dialog')
  await expect(dialog).toContainText('Version 1 is live')
  const url = await dialog.getByTestId('trigger-url').inputValue()
  expect(url).toBe(`${baseURL}/api/hooks/${id}`)
  await expect(dialog.getByTestId('trigger-no-deliveries')).toBeVisible()
  await dialog.getByTestId('trigger-secret-generate').click()
  const secret = await dialog.getByTestId('trigger-secret').inputValue()
  expect(secret).toMatch(/^[0-9a-f]{48}$/)
  await expect(dialog.getByTestId('trigger-secret-state')).toHaveAttribute('data-set', 'true')

  // A real delivery to that URL, signed as the panel says: unsigned is refused, signed runs.
  const body = JSON.stringify({
    type: 'track',
    event: 'Order Completed',
    userId: 'e2e-user',
    messageId: `e2e-${suffix}`,
  })
  const unsigned = await page.request.post(url, {
    data: body,
    headers: { 'content-type': 'application/json' },
  })
  expect(unsigned.status()).toBe(401)
  const signed = await page.request.post(url, {
    data: body,
    headers: {
      'content-type': 'application/json',
      'x-signature': createHmac('sha1', secret).update(body).digest('hex'),
    },
  })
  expect(signed.status()).toBe(202)
  const { runId } = (await signed.json()) as { runId: string }
  const delivery = dialog.locator(`[data-testid="trigger-delivery"][data-run-id="${runId}"]`)
  await expect(delivery).toBeVisible()
  await expect(delivery).toHaveAttribute('data-status', 'succeeded')

  // "Send test event" goes the same way, signed by the server with the secret.
  await dialog.getByTestId('trigger-send-test').click()
  await expect(dialog.getByTestId('trigger-test-result')).toHaveAttribute('data-status', '202')
  await expect(dialog.getByTestId('trigger-delivery')).toHaveCount(2)
  await page.screenshot({ path: `${SHOTS}/e2e-trigger-1440x900.png` })
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.screenshot({ path: `${SHOTS}/e2e-trigger-1280x720.png` })
  await page.setViewportSize({ width: 1440, height: 900 })

  // The same panel on the start node; a delivery opens its run.
  await dialog.getByTestId('trigger-dialog-done').click()
  await node(page, 'n1').click()
  const onNode = page.getByTestId('inspector').getByTestId('trigger-setup')
  await expect(onNode.getByTestId('trigger-url')).toHaveValue(url)
  await onNode.locator(`[data-testid="trigger-delivery"][data-run-id="${runId}"] a`).click()
  await expect(page).toHaveURL(new RegExp(`#/runs/${runId}$`))
  await expect(page.getByTestId('run-page')).toBeVisible({ timeout: CANVAS_READY })
  expect(consoleErrors).toEqual([])
})

test('lifecycle: name first, rename, duplicate, delete a draft, unpublish, restore a version, archive and unarchive — each from a menu, audited', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  const countBefore = (await ok(trpc<unknown[]>(page, 'workflows.list', {}, 'query'))).length

  // "+ New workflow" asks for the name first: cancelling saves nothing.
  await page.getByTestId('create-blank').click()
  await page.getByTestId('new-workflow-dialog').getByRole('button', { name: 'Cancel' }).click()
  expect((await ok(trpc<unknown[]>(page, 'workflows.list', {}, 'query'))).length).toBe(countBefore)
  const draftName = `Spring draft ${suffix}`
  await page.getByTestId('create-blank').click()
  await page.getByTestId('workflow-name').fill(draftName)
  await page.getByTestId('name-dialog-confirm').click()
  await waitForEditor(page)
  await expect(page.getByTestId('workflow-title')).toHaveText(draftName)

  // Rename from the editor's menu: a new version with the new name.
  const renamed = `Spring campaign ${suffix}`
  await page.getByTestId('workflow-menu').click()
  await page.getByTestId('menu-rename').click()
  await page.getByTestId('workflow-name').fill(renamed)
  await page.getByTestId('name-dialog-confirm').click()
  await expect(page.getByTestId('workflow-title')).toHaveText(renamed)
  await expect(page.getByTestId('save-state')).toContainText('v2')

  // Duplicate and delete the copy (never published) from the list.
  await page.getByTestId('nav-workflows').click()
  await rowAction(page, renamed, 'duplicate')
  const copy = `Copy of ${renamed}`
  await expect(row(page, copy)).toBeVisible()
  await rowAction(page, copy, 'delete')
  await page.getByTestId('delete-dialog').getByTestId('confirm-action').click()
  await expect(row(page, copy)).toHaveCount(0)

  // A live workflow with two versions: unpublish, then no delete (its history stays), restore v1.
  const liveName = `Live one ${suffix}`
  const { id: liveId } = await ok(
    trpc<{ id: string }>(page, 'workflows.create', { notation: tiny(liveName) }),
  )
  await ok(trpc(page, 'workflows.publish', { id: liveId, version: 1 }))
  const v1 = await ok(
    trpc<{ version: { model: { nodes: { id: string; label: string }[] } } }>(
      page,
      'workflows.get',
      { id: liveId },
      'query',
    ),
  )
  const changed = {
    ...v1.version.model,
    nodes: v1.version.model.nodes.map((n) => (n.id === 'n2' ? { ...n, label: 'Changed' } : n)),
  }
  await ok(trpc(page, 'workflows.save', { id: liveId, baseVersion: 1, model: changed }))
  await page.reload()
  await expect(row(page, liveName)).toContainText('Published v1')
  await rowAction(page, liveName, 'unpublish')
  await page.getByTestId('unpublish-dialog').getByTestId('confirm-action').click()
  await expect(row(page, liveName)).toContainText('Draft')
  await row(page, liveName).getByTestId('row-menu').click()
  await expect(page.getByTestId('menu-delete')).toHaveCount(0)
  await page.getByTestId('menu-restore').click()
  await page.getByTestId('restore-v1').click()
  await expect(row(page, liveName)).toContainText('v3')
  const restored = await ok(
    trpc<{ version: { model: unknown; message: string } }>(page, 'workflows.get', { id: liveId }, 'query'),
  )
  expect(restored.version.model).toEqual(v1.version.model)
  expect(restored.version.message).toBe('Restored from version 1')

  // Archive (asks first), find it under "Show archived", unarchive.
  await rowAction(page, liveName, 'archive')
  await page.getByTestId('archive-dialog').getByTestId('confirm-action').click()
  await expect(row(page, liveName)).toHaveCount(0)
  await page.getByTestId('show-archived').check()
  await expect(row(page, liveName)).toContainText('Archived')
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.screenshot({ path: `${SHOTS}/e2e-list-1280x720.png` })
  await page.setViewportSize({ width: 1440, height: 900 })
  await rowAction(page, liveName, 'unarchive')
  await page.getByTestId('show-archived').uncheck()
  await expect(row(page, liveName)).toContainText('Draft')
  await page.screenshot({ path: `${SHOTS}/e2e-list-1440x900.png` })

  // Archived from the editor: read-only at once, with a badge saying so; and back.
  await row(page, renamed).click()
  await waitForEditor(page)
  await page.getByTestId('workflow-menu').click()
  await page.getByTestId('menu-archive').click()
  await page.getByTestId('archive-dialog').getByTestId('confirm-action').click()
  await expect(page.getByTestId('read-only-badge')).toBeVisible()
  await expect(page.getByTestId('save-button')).toHaveCount(0)
  await page.getByTestId('workflow-menu').click()
  await page.getByTestId('menu-unarchive').click()
  await expect(page.getByTestId('read-only-badge')).toHaveCount(0)
  await expect(page.getByTestId('save-button')).toBeVisible()

  const audit = await ok(
    trpc<{ action: string }[]>(page, 'audit.list', { actor: admin.email, limit: 100 }, 'query'),
  )
  const actions = audit.map((a) => a.action)
  for (const a of [
    'workflow.create',
    'workflow.rename',
    'workflow.duplicate',
    'workflow.delete',
    'workflow.unpublish',
    'workflow.restore',
    'workflow.archive',
    'workflow.unarchive',
  ])
    expect(actions).toContain(a)
  expect(consoleErrors).toEqual([])
})

test('one verdict: a missing connection shows on its node before saving, Publish explains itself on hover and focus, and a save with errors warns', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await page.setViewportSize({ width: 1280, height: 720 })
  const { id } = await ok(
    trpc<{ id: string }>(page, 'workflows.create', { notation: tiny(`Verdict ${suffix}`) }),
  )
  await page.goto(`/#/workflows/${id}`)
  await expect(node(page, 'n2')).toBeVisible({ timeout: CANVAS_READY })
  await expect(page.getByTestId('problems-toggle')).toContainText('0 errors')

  // The step becomes a Braze step: its only problem is that no connection is chosen.
  await node(page, 'n2').click()
  await page.getByTestId('inspector-type').selectOption('braze-update-profile')
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'true')
  const badge = node(page, 'n2').getByTestId('issue-badge')
  await expect(badge).toHaveAttribute('data-severity', 'error')
  await expect(badge.getByRole('img')).toHaveAccessibleName(/choose a Braze connection/)
  await expect(page.getByTestId('problems-toggle')).toContainText('1 error')
  await page.getByTestId('problems-toggle').click()
  await expect(page.getByTestId('problem-item')).toHaveCount(1)
  await expect(page.getByTestId('problem-item')).toContainText('choose a Braze connection')
  await expect(page.getByTestId('problem-item')).toHaveAttribute('data-node-id', 'n2')

  // The toolbar is one line at 1280×720.
  const toolbar = page.getByRole('toolbar', { name: 'Editor' })
  expect((await toolbar.boundingBox())?.height).toBeLessThanOrEqual(49)
  const titleBox = await page.getByTestId('workflow-title').boundingBox()
  const publishBox = await page.getByTestId('publish-button').boundingBox()
  expect(
    Math.abs(
      (titleBox?.y ?? 0) +
        (titleBox?.height ?? 0) / 2 -
        ((publishBox?.y ?? 0) + (publishBox?.height ?? 0) / 2),
    ),
  ).toBeLessThan(4)

  // Publish is unavailable and says why, visibly, on hover and on keyboard focus.
  const publish = page.getByTestId('publish-button')
  const reason = page.getByTestId('publish-reason')
  await expect(publish).toBeDisabled()
  await expect(reason).toBeHidden()
  await publish.hover()
  await expect(reason).toBeVisible()
  await expect(reason).toHaveText('Fix 1 error before publishing')
  await page.screenshot({ path: `${SHOTS}/e2e-editor-1280x720.png` })
  await page.mouse.move(400, 400)
  await expect(reason).toBeHidden()
  await publish.focus()
  await expect(reason).toBeVisible()
  await expect(publish).toHaveAccessibleDescription('Fix 1 error before publishing')

  // Saving with the error is allowed, but says so as a warning, not a success.
  await page.getByTestId('save-button').click()
  await page.getByTestId('save-confirm').click()
  const toast = page.getByTestId('toast').filter({ hasText: 'Saved as version 2' })
  await expect(toast).toHaveAttribute('data-tone', 'warning')
  await expect(toast).toContainText('with 1 error')
  // The server's verdict is the browser's: nothing extra below the list.
  await expect(page.getByTestId('server-issues')).toHaveCount(0)
  await expect(page.getByTestId('problem-item')).toHaveCount(1)
  expect(consoleErrors).toEqual([])
})

test('live runs use a saved version, offering to save first; a viewer sees a read-only badge and no editing hints', async ({
  page,
  browser,
  baseURL,
  consoleErrors,
}) => {
  await signIn(page)
  const title = `Live run ${suffix}`
  const { id } = await ok(trpc<{ id: string }>(page, 'workflows.create', { notation: tiny(title) }))
  await page.goto(`/#/workflows/${id}`)
  await expect(node(page, 'n2')).toBeVisible({ timeout: CANVAS_READY })
  await node(page, 'n2').click()
  await page.getByTestId('inspector-label').fill('Send it')
  await page.getByTestId('inspector-label').press('Enter')
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'true')

  await page.getByTestId('panel-tab-run').click()
  await page.getByTestId('run-live').click()
  const dialog = page.getByTestId('live-run-dialog')
  await expect(dialog.getByTestId('live-run-version')).toContainText('Live runs use a saved version')
  await expect(dialog.getByTestId('live-run-confirm')).toHaveCount(0)
  await dialog.getByTestId('live-run-save-and-run').click()
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'false')
  await expect(page.getByTestId('save-state')).toContainText('v2')
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded')
  const [run] = await ok(
    trpc<{ version: number | null; dryRun: boolean }[]>(page, 'runs.list', { workflowId: id }, 'query'),
  )
  expect(run).toMatchObject({ version: 2, dryRun: false })

  // Saved now: the dialog names the version it runs.
  await page.getByTestId('run-live').click()
  await expect(dialog.getByTestId('live-run-confirm')).toHaveText('Run version 2 live')
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  // A viewer: read-only badge, no palette, no drag or double-click hints, no editing shortcuts.
  const viewer = { email: `viewer-${suffix}@flowline.test`, password: 'viewer-password-1' }
  await ok(trpc(page, 'users.create', { ...viewer, role: 'viewer' }))
  const v = await newPage(browser, baseURL, 1280, 720)
  await signIn(v.page, viewer.email, viewer.password)
  await v.page.goto(`/#/workflows/${id}`)
  await expect(node(v.page, 'n2')).toBeVisible({ timeout: CANVAS_READY })
  await expect(v.page.getByTestId('read-only-badge')).toBeVisible()
  await expect(v.page.getByTestId('palette-item-start')).toHaveCount(0)
  await expect(v.page.getByTestId('inspector')).toContainText('Read-only')
  await expect(v.page.getByTestId('inspector')).not.toContainText(/drag|double-click/i)
  await expect(v.page.getByTestId('workflow-menu')).toHaveCount(0)
  await v.page.getByTestId('cmd-help').click()
  await expect(v.page.getByTestId('help-overlay')).not.toContainText(/palette|Double-click/)
  await v.page.keyboard.press('Escape')
  await v.page.screenshot({ path: `${SHOTS}/e2e-editor-viewer-1280x720.png` })
  expect(v.errors).toEqual([])
  expect(consoleErrors).toEqual([])
})

/** Nodes the minimap covers or that stick out of the canvas (only drawn nodes are checked: count them too). */
function hiddenNodes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const map = document.querySelector('.react-flow__minimap')?.getBoundingClientRect()
    const pane = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect()
    const found: string[] = []
    for (const el of document.querySelectorAll('.react-flow__node-flow')) {
      const r = el.getBoundingClientRect()
      const id = el.getAttribute('data-id')
      if (map && r.right > map.left && r.left < map.right && r.bottom > map.top && r.top < map.bottom)
        found.push(`${id} is under the minimap`)
      if (pane && (r.left < pane.left || r.right > pane.right || r.top < pane.top || r.bottom > pane.bottom))
        found.push(`${id} is cut off`)
    }
    return found
  })
}

test('at 1280×720 the scenario opens legible at its start, and Fit view shows it whole, clear of the minimap', async ({
  page,
  consoleErrors,
}) => {
  await signIn(page)
  await page.setViewportSize({ width: 1280, height: 720 })
  const { id } = await ok(
    trpc<{ id: string }>(page, 'workflows.create', {
      template: 'personalization',
      title: `Layout ${suffix}`,
    }),
  )
  await page.goto(`/#/workflows/${id}`)
  await expect(node(page, 'n1')).toBeVisible({ timeout: CANVAS_READY })
  const total = (
    await ok(trpc<{ version: { model: { nodes: unknown[] } } }>(page, 'workflows.get', { id }, 'query'))
  ).version.model.nodes.length
  await expect(flowNodes(page)).toHaveCount(total)
  // Too big to read whole on this screen: it opens where the flow starts, its text readable.
  await expect.poll(async () => (await hiddenNodes(page)).filter((h) => h.startsWith('n1 '))).toEqual([])
  const zoom = await page
    .locator('.react-flow__viewport')
    .evaluate((v) => new DOMMatrix(getComputedStyle(v).transform).a)
  expect(zoom).toBeGreaterThanOrEqual(0.85)
  await page.screenshot({ path: `${SHOTS}/e2e-editor-template-1280x720.png` })
  await page.getByTestId('cmd-fit-view').click()
  await expect.poll(() => hiddenNodes(page)).toEqual([])
  // The Run panel is wider than the inspector: Fit view still keeps every step whole and clear.
  await page.getByTestId('panel-tab-run').click()
  await expect(flowNodes(page)).toHaveCount(total)
  await page.getByTestId('cmd-fit-view').click()
  await expect.poll(() => hiddenNodes(page)).toEqual([])
  await page.screenshot({ path: `${SHOTS}/e2e-editor-run-1280x720.png` })
  expect(consoleErrors).toEqual([])
})
