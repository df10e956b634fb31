import { randomUUID } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Workflow } from '../services/engine'
import { createTestApp, type TestApp } from '../testing/harness'

describe('runs.runTests: the editor\'s "Run all" on an unsaved draft', () => {
  let app: TestApp
  let workflowId: string
  let model: Workflow
  beforeEach(async () => {
    app = await createTestApp('sqlite')
    workflowId = (await app.as(app.users.editor).workflows.create({ template: 'personalization' })).id
    model = (await app.as(app.users.editor).workflows.get({ id: workflowId })).version.model as Workflow
  })
  afterEach(() => app.close())

  it('reports every test case of the template as passing, in order', async () => {
    const { results } = await app.as(app.users.editor).runs.runTests({ workflowId, model })
    expect(results.map((r) => r.passed)).toEqual(model.tests!.map(() => true))
    expect(results.map((r) => r.name)).toEqual(model.tests!.map((t) => t.name))
  })

  it('names the case a draft breaks and why, as publishing would', async () => {
    const tests = model.tests!.map((t, i) =>
      i === 1 ? { ...t, expectRan: [...(t.expectRan ?? []), 'n19'] } : t,
    )
    const { results } = await app
      .as(app.users.editor)
      .runs.runTests({ workflowId, model: { ...model, tests } })
    expect(results.filter((r) => !r.passed)).toEqual([
      {
        index: 1,
        name: 'purchase, unsure prediction, email',
        passed: false,
        reason: 'expected n19 to run, but it was ruled out',
      },
    ])
  })

  it('is for editors', async () => {
    await expect(app.as(app.users.viewer).runs.runTests({ workflowId, model })).rejects.toBeInstanceOf(
      TRPCError,
    )
  })
})

describe('runs.start with a client-chosen id: the trace stream can open first', () => {
  let app: TestApp
  let workflowId: string
  const event = {
    type: 'page',
    name: 'Home',
    userId: 'u-1',
    context: { traits: { preferred_channel: 'push' } },
  }
  beforeEach(async () => {
    app = await createTestApp('sqlite')
    workflowId = (await app.as(app.users.editor).workflows.create({ template: 'personalization' })).id
  })
  afterEach(() => app.close())

  it('a subscriber waiting for the id gets every event, in order, from run.started on', async () => {
    const runId = randomUUID()
    const collected = (async () => {
      const out: string[] = []
      for await (const { seq, event: e } of app.services.runs.trace(runId, 0, undefined, 5_000))
        out.push(`${seq}:${e.type}`)
      return out
    })()
    await new Promise((r) => setTimeout(r, 30)) // the subscriber is first
    expect(await app.as(app.users.editor).runs.start({ workflowId, event, runId })).toEqual({ runId })
    const events = await collected
    expect(events[0]).toBe('1:run.started')
    expect(events.at(-1)).toMatch(/:run\.finished$/)
    expect(events.map((e) => Number(e.split(':')[0]))).toEqual(events.map((_, i) => i + 1))
    await app.settle()
    const stored = await app.as(app.users.viewer).runs.get({ runId })
    expect(stored.events).toHaveLength(events.length)
  })

  it('refuses an id that is taken, and an unknown id is not waited for unless asked', async () => {
    const { runId } = await app.as(app.users.editor).runs.start({ workflowId, event })
    await app.settle()
    await expect(app.as(app.users.editor).runs.start({ workflowId, event, runId })).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    const unknown = app.services.runs.trace(randomUUID(), 0)
    await expect(unknown.next()).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
