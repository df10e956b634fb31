import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects } from '../testing/databases'
import { createTestApp, type TestApp } from '../testing/harness'

describe.each(dialects)('audit log (%s)', (dialect) => {
  let app: TestApp
  let workflowId: string
  beforeAll(async () => {
    app = await createTestApp(dialect)
    const editor = app.as(app.users.editor)
    const created = await editor.workflows.create({ title: 'Audited' })
    workflowId = created.id
    const model = (await editor.workflows.get({ id: workflowId })).version.model
    for (let v = 1; v <= 3; v++)
      await editor.workflows.save({ id: workflowId, baseVersion: v, model: { ...model, title: `T${v}` } })
    await app.as(app.users.editor2).workflows.archive({ id: workflowId })
  })
  afterAll(() => app.close())

  it('pages through the log with a `before` cursor, newest first', async () => {
    const viewer = app.as(app.users.viewer)
    const all = await viewer.audit.list({ workflowId })
    expect(all.map((e) => e.action)).toEqual([
      'workflow.archive',
      'workflow.save',
      'workflow.save',
      'workflow.save',
      'workflow.create',
    ])
    const first = await viewer.audit.list({ workflowId, limit: 2 })
    const rest = await viewer.audit.list({ workflowId, limit: 10, before: first.at(-1)!.id })
    expect([...first, ...rest]).toEqual(all)
  })

  it('filters by time range', async () => {
    const viewer = app.as(app.users.viewer)
    const all = await viewer.audit.list({ workflowId })
    const future = new Date(Date.now() + 60_000).toISOString()
    expect(await viewer.audit.list({ workflowId, from: future })).toEqual([])
    expect(await viewer.audit.list({ workflowId, to: future })).toEqual(all)
  })

  it('gives viewers the actors and actions for filter menus (not the user list)', async () => {
    const facets = await app.as(app.users.viewer).audit.facets()
    expect(facets.actors).toEqual(expect.arrayContaining(['editor@example.com', 'editor2@example.com']))
    expect(facets.actions).toEqual(expect.arrayContaining(['workflow.archive', 'workflow.create']))
    expect(facets.actions).toEqual([...facets.actions].sort())
  })
})
