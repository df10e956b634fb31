import { describe, expect, it } from 'vitest'
import { resumeRun, runWorkflow } from '../../run/executor'
import { end, flow, start } from '../../run/fixtures'
import { validate } from '../../validate/validate'

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0)
const dispute = { type: 'track', event: 'Dispute Opened', userId: 'u-3', properties: { amount: 120 } }

const review = (config: Record<string, unknown>) =>
  flow(
    [start('s'), { id: 'a', type: 'approval', config }, end('refund'), end('deny'), end('late')],
    ['s -> a', 'a -> refund : approved', 'a -> deny : rejected', 'a -> late : timeout'],
  )
const wf = review({
  assignees: 'editor, Boss@Example.com',
  title: 'Refund {{ event.properties.amount }} €?',
  details: 'User {{ event.userId }} disputes a charge.',
  timeout: '2d',
})

describe('approval', () => {
  it('suspends with the task: who decides, its rendered title and details, the timeout', async () => {
    const r = await runWorkflow(wf, { event: dispute, dryRun: false, now: () => T0 })
    expect(r.status).toBe('suspended')
    expect(r.waitingFor).toEqual({
      kind: 'approval',
      assignees: ['editor', 'boss@example.com'],
      title: 'Refund 120 €?',
      details: 'User u-3 disputes a charge.',
      until: T0 + 2 * 86_400_000,
    })
    expect(r.events!.at(-1)).toMatchObject({ type: 'run.suspended', for: 'approval', title: 'Refund 120 €?' })
  })

  it('follows the decision, with who decided in the output and the trace', async () => {
    const first = await runWorkflow(wf, { event: dispute, dryRun: false, now: () => T0 })
    const decision = { decision: 'rejected', by: 'boss@example.com', comment: 'Not eligible', at: 'x' }
    const r = await resumeRun(wf, first.state!, {
      wake: { branch: 'rejected', output: decision, reason: 'approval', by: 'boss@example.com' },
    })
    expect(r.steps.a.output).toEqual(decision)
    expect(r.steps.deny?.status).toBe('succeeded')
    expect(r.steps.refund).toMatchObject({ status: 'skipped' })
    expect(r.events![0]).toMatchObject({ type: 'run.resumed', reason: 'approval', by: 'boss@example.com' })
  })

  it('times out once the time is up', async () => {
    const first = await runWorkflow(wf, { event: dispute, dryRun: false, now: () => T0 })
    const r = await resumeRun(wf, first.state!, { now: () => T0 + 2 * 86_400_000 + 1 })
    expect(r.steps.late?.status).toBe('succeeded')
  })

  it('routes a mock by its decision in test runs', async () => {
    const r = await runWorkflow(wf, { event: dispute, mocks: { a: { decision: 'approved', by: 't' } } })
    expect(r.steps.refund?.status).toBe('succeeded')
  })

  it('refuses viewers and things that are neither roles nor addresses as assignees', () => {
    const issues = (assignees: unknown) =>
      validate(review({ assignees, title: 'x' }))
        .filter((i) => i.nodeId === 'a')
        .map((i) => i.message)
    expect(issues('viewer').join()).toMatch(/viewers cannot decide approvals/)
    expect(issues('marketing team').join()).toMatch(/"marketing team" is neither a role/)
    expect(issues(['editor', 'ana@example.com'])).toEqual([])
  })
})
