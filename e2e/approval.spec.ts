import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from '@playwright/test'
import { collectConsoleErrors, importFile, node, workflowIdOf } from './editor-helpers'
import { admin, expect as baseExpect, signIn, test, trpc } from './fixtures'

/**
 * Runs that wait for people and for events, against the real server: a test run stops at
 * an approval, a second editor decides it in their Inbox and the first one's canvas goes on
 * along that branch; viewers see the wait but cannot decide it; a tester picks the branch of
 * a step waiting for an event.
 */
const expect = baseExpect.configure({ timeout: 15_000 })
/** The first open of a canvas loads and runs the layout engine (elkjs): slow on a busy machine. */
const CANVAS_READY = 20_000
const SHOTS = '/tmp/shots'
const suffix = Date.now().toString(36)
const ana = { email: `ana-${suffix}@flowline.test`, password: 'editor-password-1' }
const bea = { email: `bea-${suffix}@flowline.test`, password: 'editor-password-2' }
const vic = { email: `vic-${suffix}@flowline.test`, password: 'viewer-password-1' }
/** The run panel's default sample event (track "Order Completed" by Ravi). */
const SAMPLE_USER = 'user-5004'

const approvalFlow = (title: string, assignees: string) => `${title}
A discount for a customer who ordered waits for a person's yes.
n1: circle label:"Order completed" type:start config:{}
n2: diamond label:"Discount approved?" type:approval config:{"assignees": "${assignees}", "title": "Send {{ event.context.traits.firstName }} a 30% discount?", "details": "{{ event.context.traits.firstName }} ({{ event.userId }}) ordered for {{ event.properties.total }} {{ event.properties.currency }}.\\nApprove to e-mail a one-time 30% code.", "timeout": "2d"}
n3: circle label:"Code sent" type:end config:{}
n4: circle label:"No code" type:end config:{}
n5: circle label:"Nobody answered" type:end config:{}
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left) [label="approved"]
n2.handle(bottom) -> n4.handle(top) [label="rejected"]
n2.handle(top) -> n5.handle(bottom) [label="timeout"]
`

const WAIT_FOR_EVENT = `Win-back offer ${suffix}
After an order, wait up to three days for the same user to accept the offer.
n1: circle label:"Order completed" type:start config:{}
n2: diamond label:"Offer accepted?" type:wait-for-event config:{"filter": "event = \\"Offer Accepted\\"", "correlate": "userId", "timeout": "3d"}
n3: circle label:"Kept" type:end config:{}
n4: circle label:"Lost" type:end config:{}
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left) [label="received"]
n2.handle(bottom) -> n4.handle(top) [label="timeout"]
`

type Result<T> = { data?: T; error?: { code: string; message: string } }
async function ok<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p
  if (r.error || r.data === undefined)
    throw new Error(r.error ? `${r.error.code}: ${r.error.message}` : 'no data')
  return r.data
}

async function signedIn(browser: Browser, baseURL: string, who: { email: string; password: string }) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  await signIn(page, who.email, who.password)
  return page
}

const trace = (page: Page, id: string) => node(page, id).locator('[data-trace]')

/** The newest run of a workflow, once it waits. */
async function waitingRunOf(page: Page, workflowId: string): Promise<string> {
  let runId = ''
  await expect(async () => {
    const runs = await ok(
      trpc<{ id: string; status: string }[]>(page, 'runs.list', { workflowId, limit: 1 }, 'query'),
    )
    expect(runs[0]?.status).toBe('waiting')
    runId = runs[0].id
  }).toPass({ timeout: 15_000 })
  return runId
}

test.describe.configure({ mode: 'serial' })

test.beforeAll(async ({ browser }, info) => {
  mkdirSync(SHOTS, { recursive: true })
  const page = await signedIn(browser, info.project.use.baseURL!, admin)
  await ok(trpc(page, 'users.create', { ...ana, role: 'editor' }))
  await ok(trpc(page, 'users.create', { ...bea, role: 'editor' }))
  await ok(trpc(page, 'users.create', { ...vic, role: 'viewer' }))
  await page.context().close()
})

test('a test run waits at an approval; a second editor approves it in the Inbox and the canvas goes on along "approved"', async ({
  page,
  browser,
  consoleErrors,
}, info) => {
  test.setTimeout(180_000)
  const title = `Discount approval ${suffix}`
  const file = join(mkdtempSync(join(tmpdir(), 'approval-')), 'discount.flow')
  writeFileSync(file, approvalFlow(title, bea.email))

  // Ana imports the workflow and runs a test from the editor: it stops at the approval.
  await signIn(page, ana.email, ana.password)
  await importFile(page, file)
  const workflowId = workflowIdOf(page)
  await expect(node(page, 'n2')).toBeVisible({ timeout: CANVAS_READY })
  await page.getByTestId('panel-tab-run').click()
  await page.getByTestId('run-start').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'waiting')
  await expect(trace(page, 'n2')).toHaveAttribute('data-trace', 'waiting')
  await expect(page.getByTestId('node-duration-n2')).toHaveText('waiting for approval')
  await expect(page.getByTestId('node-wait-n2')).toContainText(`Waiting for approval by ${bea.email} until`)
  await expect(page.getByTestId('node-wait-n2')).toContainText('Send Ravi a 30% discount?')
  await expect(page.getByTestId('run-waiting-for')).toContainText(`Waiting for approval by ${bea.email}`)
  // Nothing after the approval has run: each branch is still open.
  for (const id of ['n3', 'n4', 'n5']) await expect(trace(page, id)).toHaveAttribute('data-trace', 'pending')
  await page.screenshot({ path: `${SHOTS}/approval-editor-waiting.png` })

  // Bea signs in elsewhere: the runs list says what the run waits for, the Inbox has the task.
  const bPage = await signedIn(browser, info.project.use.baseURL!, bea)
  const bErrors = collectConsoleErrors(bPage)
  await bPage.goto(`/#/runs?workflow=${workflowId}&status=waiting`)
  await expect(bPage.getByTestId('run-row')).toHaveCount(1)
  await expect(bPage.getByTestId('run-row').getByTestId('run-status')).toContainText(/Waiting\s*· approval/)
  await expect(bPage.getByTestId('inbox-count')).toBeVisible()
  await bPage.getByTestId('nav-inbox').click()
  const task = bPage.getByTestId('inbox-task').filter({ hasText: title })
  await expect(task).toHaveCount(1)
  await expect(task.getByTestId('inbox-task-title')).toHaveText('Send Ravi a 30% discount?')
  await expect(task.getByTestId('inbox-task-details')).toContainText(
    `Ravi (${SAMPLE_USER}) ordered for 39.9 EUR.`,
  )
  await expect(task.getByTestId('inbox-assignees')).toHaveText(bea.email)
  await expect(task.getByTestId('inbox-test-tag')).toBeVisible()
  await expect(task.getByTestId('inbox-until')).not.toHaveText('never')
  // The event that started the run, on request.
  await expect(task.getByText(`"${SAMPLE_USER}"`)).toBeHidden()
  await task.getByText('Triggering event').click()
  await expect(task.getByTestId('inbox-event')).toContainText(`"${SAMPLE_USER}"`)
  await bPage.screenshot({ path: `${SHOTS}/inbox.png` })

  await task.getByTestId('inbox-comment').fill('Loyal customer: worth keeping')
  await task.getByTestId('inbox-approve').click()
  await expect(bPage.getByTestId('toast').filter({ hasText: 'Approved' })).toBeVisible()
  await expect(task).toHaveCount(0)
  await expect(bPage.getByTestId('inbox-count')).toHaveCount(0)
  // The decision is in the activity log, with its reason.
  await bPage.goto(`/#/audit/log?action=run.approve&workflow=${workflowId}`)
  await expect(bPage.getByTestId('audit-row')).toHaveCount(1)
  await expect(bPage.getByTestId('audit-row')).toHaveAttribute('data-actor', bea.email)
  await expect(bPage.getByTestId('audit-row')).toContainText('“Loyal customer: worth keeping”')

  // Ana's canvas goes on by itself, along "approved".
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded')
  await expect(trace(page, 'n2')).toHaveAttribute('data-trace', 'succeeded')
  await expect(trace(page, 'n3')).toHaveAttribute('data-trace', 'succeeded')
  await expect(trace(page, 'n4')).toHaveAttribute('data-trace', 'skipped')
  await expect(trace(page, 'n5')).toHaveAttribute('data-trace', 'skipped')
  await expect(page.getByTestId('node-wait-n2')).toHaveCount(0)
  await expect(page.getByTestId('step-resumed')).toContainText(
    `Approved by ${bea.email} — “Loyal customer: worth keeping”`,
  )
  await page.screenshot({ path: `${SHOTS}/approval-editor-approved.png` })
  // The decision is the step's output, comment included.
  await node(page, 'n2').click()
  await expect(page.getByTestId('step-details')).toContainText('Loyal customer: worth keeping')

  expect(bErrors).toEqual([])
  await bPage.context().close()
  expect(consoleErrors).toEqual([])
})

test('a viewer sees a waiting approval but cannot decide it; a decision made meanwhile says "already decided"', async ({
  page,
  browser,
  consoleErrors,
}, info) => {
  test.setTimeout(180_000)
  const baseURL = info.project.use.baseURL!
  const title = `Team approval ${suffix}`
  await signIn(page, ana.email, ana.password)
  const { id: workflowId } = await ok(
    trpc<{ id: string }>(page, 'workflows.create', {
      notation: approvalFlow(title, 'editor'),
      file: 'team.flow',
    }),
  )
  const event = {
    type: 'track',
    event: 'Order Completed',
    userId: 'u-88',
    context: { traits: { firstName: 'Lea' } },
  }
  await ok(trpc(page, 'runs.start', { workflowId, version: 1, event }))
  const runId = await waitingRunOf(page, workflowId)

  // Ana on the run page: what it waits for, and the branches she may pick as the tester.
  await page.goto(`/#/runs/${runId}`)
  await expect(page.getByTestId('run-page')).toBeVisible({ timeout: CANVAS_READY })
  await expect(page.getByTestId('run-page-status')).toHaveAttribute('data-status', 'waiting')
  await expect(page.getByTestId('run-page-waiting-for')).toContainText('Waiting for approval by editor until')
  await expect(page.getByTestId('node-wait-n2')).toContainText('Send Lea a 30% discount?')
  const choice = page.getByTestId('wait-choice')
  await expect(choice).toHaveAttribute('data-kind', 'approval')
  for (const branch of ['approved', 'rejected', 'timeout'])
    await expect(choice.getByTestId(`wait-choose-${branch}`)).toBeEnabled()
  await page.screenshot({ path: `${SHOTS}/run-page-approval-waiting.png` })

  // The viewer: the same wait on the run page, nothing to decide anywhere.
  const vPage = await signedIn(browser, baseURL, vic)
  const vErrors = collectConsoleErrors(vPage)
  await vPage.goto(`/#/runs/${runId}`)
  await expect(vPage.getByTestId('run-page')).toBeVisible({ timeout: CANVAS_READY })
  await expect(vPage.getByTestId('run-page-waiting-for')).toContainText('Waiting for approval by editor')
  await expect(vPage.getByTestId('wait-choice')).toHaveCount(0)
  await expect(vPage.getByTestId('wait-inbox-hint')).toHaveCount(0)
  await vPage.getByTestId('nav-inbox').click()
  await expect(vPage.getByTestId('inbox-viewer-note')).toContainText('viewers cannot approve or reject')
  await expect(vPage.getByRole('button', { name: 'Approve' })).toHaveCount(0)
  await expect(vPage.getByTestId('inbox-count')).toHaveCount(0)
  expect((await trpc(vPage, 'inbox.decide', { runId, decision: 'approved', comment: '' })).error?.code).toBe(
    'FORBIDDEN',
  )
  expect(vErrors).toEqual([])
  await vPage.context().close()

  // Bea (an editor, so an assignee) has it open when Ana rejects it through the API first.
  const bPage = await signedIn(browser, baseURL, bea)
  await bPage.getByTestId('nav-inbox').click()
  const task = bPage.getByTestId('inbox-task').filter({ hasText: title })
  await expect(task).toHaveCount(1)
  await expect(task.getByTestId('inbox-assignees')).toHaveText('editor')
  await ok(trpc(page, 'inbox.decide', { runId, decision: 'rejected', comment: 'Not this time' }))
  await task.getByTestId('inbox-approve').click()
  await expect(bPage.getByTestId('toast').filter({ hasText: 'Already decided' })).toBeVisible()
  await expect(task).toHaveCount(0)
  await bPage.context().close()

  // Ana's run page went on along "rejected".
  await expect(page.getByTestId('run-page-status')).toHaveAttribute('data-status', 'succeeded')
  await expect(trace(page, 'n4')).toHaveAttribute('data-trace', 'succeeded')
  await expect(trace(page, 'n3')).toHaveAttribute('data-trace', 'skipped')
  await expect(page.getByTestId('step-resumed')).toContainText(`Rejected by ${ana.email}`)
  await expect(page.getByTestId('wait-choice')).toHaveCount(0)
  expect(consoleErrors).toEqual([])
})

test('a test run waiting for an event goes on along the branch the tester picks, with the event they typed', async ({
  page,
  consoleErrors,
}) => {
  test.setTimeout(180_000)
  await signIn(page, ana.email, ana.password)
  const { id: workflowId } = await ok(
    trpc<{ id: string }>(page, 'workflows.create', { notation: WAIT_FOR_EVENT, file: 'win-back.flow' }),
  )
  await page.goto(`/#/workflows/${workflowId}`)
  await expect(node(page, 'n2')).toBeVisible({ timeout: CANVAS_READY })
  await page.getByTestId('panel-tab-run').click()
  await page.getByTestId('run-start').click()

  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'waiting')
  await expect(page.getByTestId('run-waiting-for')).toContainText('Waiting for an event (same user) until')
  await expect(page.getByTestId('node-duration-n2')).toHaveText('waiting for an event')
  await expect(page.getByTestId('node-wait-n2')).toContainText('Waiting for an event (same user)')

  // The run page and the runs list say the same.
  const runId = await waitingRunOf(page, workflowId)
  const other = await page.context().newPage()
  await other.goto(`/#/runs/${runId}`)
  await expect(other.getByTestId('run-page-waiting-for')).toContainText(
    'Waiting for an event (same user) until',
    {
      timeout: CANVAS_READY,
    },
  )
  await other.goto(`/#/runs?workflow=${workflowId}`)
  await expect(other.getByTestId('run-row').getByTestId('run-status')).toContainText(/Waiting\s*· event/)
  await other.close()

  // The tester says which event arrives: the same user accepts the offer, with a coupon.
  const choice = page.getByTestId('wait-choice')
  await expect(choice).toHaveAttribute('data-kind', 'event')
  await expect(choice.getByTestId('wait-choose-received')).toBeEnabled()
  await expect(choice.getByTestId('wait-choose-timeout')).toBeEnabled()
  await expect(choice.getByTestId('wait-filter')).toContainText('event = "Offer Accepted"')
  await choice.getByTestId('wait-edit-event').check()
  const editor = choice.getByTestId('wait-event-editor')
  await expect(editor).toHaveValue(new RegExp(`"userId": "${SAMPLE_USER}"`))
  await editor.fill('{"type": "track", "event": "Offer Accepted", "userId": "user-5004", "properties": {')
  await expect(choice.getByTestId('wait-event-editor-error')).toBeVisible()
  await expect(choice.getByTestId('wait-choose-received')).toBeDisabled()
  await editor.fill(
    JSON.stringify({
      type: 'track',
      event: 'Offer Accepted',
      userId: SAMPLE_USER,
      properties: { coupon: 'KEEP30' },
    }),
  )
  await page.screenshot({ path: `${SHOTS}/event-wait-branch-picker.png` })
  await choice.getByTestId('wait-choose-received').click()

  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded')
  await expect(trace(page, 'n2')).toHaveAttribute('data-trace', 'succeeded')
  await expect(trace(page, 'n3')).toHaveAttribute('data-trace', 'succeeded')
  await expect(trace(page, 'n4')).toHaveAttribute('data-trace', 'skipped')
  await expect(page.getByTestId('step-resumed')).toContainText(`Picked “received” by ${ana.email} (test run)`)
  await expect(page.getByTestId('wait-choice')).toHaveCount(0)
  // The step's output is the event the tester typed.
  await node(page, 'n2').click()
  await expect(page.getByTestId('step-details')).toContainText('KEEP30')
  expect(consoleErrors).toEqual([])
})
