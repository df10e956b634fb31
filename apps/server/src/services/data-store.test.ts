import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../db'
import type { Workflow } from '../services/engine'
import { dialects, freshTarget, type TestTarget } from '../testing/databases'
import { createTestApp, type TestApp } from '../testing/harness'
import { createDataStore } from './data-store'

const T = Date.UTC(2026, 0, 1)

describe.each(dialects)('data store on the database (%s)', (dialect) => {
  let target: TestTarget
  let close: () => Promise<void>
  let store: ReturnType<typeof createDataStore>
  beforeEach(async () => {
    target = await freshTarget(dialect)
    const { db } = await openDatabase(target.target)
    store = createDataStore(db)
    close = async () => {
      await db.destroy()
      await target.dispose()
    }
  })
  afterEach(() => close())

  it('sets, gets, expires and deletes values', async () => {
    expect(await store.get('s', 'k', T)).toEqual({ found: false, value: null })
    await store.set('s', 'k', { tier: 'gold' }, T + 1_000, T)
    expect(await store.get('s', 'k', T + 999)).toEqual({ found: true, value: { tier: 'gold' } })
    expect(await store.get('s', 'k', T + 1_000)).toEqual({ found: false, value: null })
    await store.set('s', 'k', 'again', undefined, T + 2_000)
    expect(await store.delete('s', 'k', T + 2_000)).toBe(true)
    expect(await store.delete('s', 'k', T + 2_000)).toBe(false)
  })

  it('never loses a count when many runs increment at once', async () => {
    const sums = await Promise.all(
      Array.from({ length: 40 }, () => store.increment('c', 'u-1', 1, undefined, T)),
    )
    expect(new Set(sums).size).toBe(40)
    expect(await store.get('c', 'u-1', T)).toEqual({ found: true, value: 40 })
  })
})

const counter: Workflow = {
  title: 'Count visits',
  description: '',
  groups: [],
  nodes: [
    { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
    {
      id: 'c',
      group: null,
      shape: 'rectangle',
      label: 'Count',
      type: 'data-store',
      config: { store: 'visits', operation: 'increment', key: 'event.userId' },
    },
    { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
  ],
  edges: [
    { id: 'e1', source: 's', sourceHandle: 'right', target: 'c', targetHandle: 'left' },
    { id: 'e2', source: 'c', sourceHandle: 'right', target: 'e', targetHandle: 'left' },
  ],
}

describe.each(dialects)('data-store steps in server runs (%s)', (dialect) => {
  let app: TestApp
  beforeEach(async () => {
    app = await createTestApp(dialect)
  })
  afterEach(() => app.close())

  it('live runs write the shared store; dry runs read it and record the write without making it', async () => {
    const editor = app.as(app.users.editor)
    const { id } = await editor.workflows.create({ model: counter })
    const event = { type: 'track', userId: 'u-7', event: 'Visited' }
    for (let i = 0; i < 3; i++) await editor.runs.start({ workflowId: id, event, live: true })
    await app.settle()
    const dry = await editor.runs.start({ workflowId: id, event })
    await app.settle()
    const { run, events } = await editor.runs.get({ runId: dry.runId })
    expect(run.status).toBe('succeeded')
    const step = events.find((e) => e.type === 'node.finished' && e.nodeId === 'c') as {
      output: unknown
      request?: unknown
    }
    expect(step.output).toEqual({ found: true, value: 4 })
    expect(step.request).toMatchObject({ method: 'INCREMENT', url: 'datastore:visits/u-7' })
    const row = await app.db.selectFrom('data_store').selectAll().executeTakeFirstOrThrow()
    expect(JSON.parse(row.value)).toBe(3)
  })
})
