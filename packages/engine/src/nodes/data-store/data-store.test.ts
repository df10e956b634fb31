import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from '../../dsl/parser'
import type { Workflow } from '../../model/schema'
import { runWorkflow } from '../../run/executor'
import { flow } from '../../run/fixtures'
import { runTestCases } from '../../run/test-cases'
import { validate } from '../../validate/validate'
import { createMemoryDataStore } from '../shared/data-store'

const example = parse(readFileSync(new URL('./frequency-cap.flow', import.meta.url), 'utf8'))
  .workflow as Workflow

const op = (config: Record<string, unknown>) =>
  flow(
    [
      { id: 's', type: 'start' },
      { id: 'ds', type: 'data-store', config: { store: 'st', ...config } },
    ],
    ['s -> ds'],
  )

describe('data-store', () => {
  it('the .flow example validates cleanly and its test cases pass', async () => {
    expect(validate(example).filter((i) => i.severity === 'error')).toEqual([])
    const results = await runTestCases(example, { dataStore: createMemoryDataStore() })
    expect(results.map((r) => [r.name, r.passed, r.failures])).toEqual([
      ['the first message of the day is sent', true, []],
      ['a user over the cap gets nothing', true, []],
    ])
  })

  it('live runs share the store: the fourth message of a user in a day is over the cap', async () => {
    const dataStore = createMemoryDataStore()
    const taken: string[] = []
    for (let i = 0; i < 4; i++) {
      const r = await runWorkflow(example, { event: { userId: 'u1' }, dryRun: false, dataStore })
      taken.push(r.steps.n4.status === 'succeeded' ? 'sent' : 'skipped')
    }
    expect(taken).toEqual(['sent', 'sent', 'sent', 'skipped'])
    // Another user has a counter of their own.
    const other = await runWorkflow(example, { event: { userId: 'u2' }, dryRun: false, dataStore })
    expect(other.steps.n2.output).toEqual({ found: false, value: 1 })
  })

  it('get, set and delete, with values that expire after their TTL on the run clock', async () => {
    const dataStore = createMemoryDataStore()
    let clock = Date.UTC(2031, 0, 1)
    const live = { dryRun: false, dataStore, now: () => clock }
    const out = async (config: Record<string, unknown>) =>
      (await runWorkflow(op(config), { event: { userId: 'u1' }, ...live })).steps.ds.output
    expect(await out({ operation: 'get', key: 'event.userId' })).toEqual({ found: false, value: null })
    expect(
      await out({ operation: 'set', key: 'event.userId', value: '{"plan": "pro"}', ttl: '15m' }),
    ).toEqual({
      found: false,
      value: { plan: 'pro' },
    })
    expect(await out({ operation: 'get', key: 'event.userId' })).toEqual({
      found: true,
      value: { plan: 'pro' },
    })
    clock += 16 * 60_000
    expect(await out({ operation: 'get', key: 'event.userId' })).toEqual({ found: false, value: null })
    await out({ operation: 'set', key: 'event.userId', value: '1' })
    expect(await out({ operation: 'delete', key: 'event.userId' })).toEqual({ found: true, value: 1 })
    expect(await out({ operation: 'get', key: 'event.userId' })).toEqual({ found: false, value: null })
    expect(await out({ operation: 'increment', key: '"visits"', value: '5' })).toEqual({
      found: false,
      value: 5,
    })
  })

  it('dry runs read the store and record writes without making them', async () => {
    const dataStore = createMemoryDataStore()
    await runWorkflow(op({ operation: 'set', key: '"k"', value: '10' }), {
      event: {},
      dryRun: false,
      dataStore,
    })
    const dry = await runWorkflow(op({ operation: 'increment', key: '"k"', ttl: '1h' }), {
      event: {},
      dataStore,
    })
    expect(dry.steps.ds.output).toEqual({ found: true, value: 11 })
    expect(dry.steps.ds.request).toEqual({
      method: 'INCREMENT',
      url: 'datastore:st/k',
      headers: {},
      body: { by: 1, ttlMs: 3_600_000 },
    })
    const dryDelete = await runWorkflow(op({ operation: 'delete', key: '"k"' }), { event: {}, dataStore })
    expect(dryDelete.steps.ds.output).toEqual({ found: true, value: 10 })
    const after = await runWorkflow(op({ operation: 'get', key: '"k"' }), { event: {}, dataStore })
    expect(after.steps.ds.output).toEqual({ found: true, value: 10 })
  })

  it('fails clearly without a store, and on a set without a value', async () => {
    const none = await runWorkflow(op({ operation: 'get', key: '"k"' }), { event: {} })
    expect(none.error).toMatch(/ds: no data store is available/)
    const noValue = await runWorkflow(op({ operation: 'set', key: '"k"' }), {
      event: {},
      dataStore: createMemoryDataStore(),
    })
    expect(noValue.error).toMatch(/set needs a value/)
  })
})
