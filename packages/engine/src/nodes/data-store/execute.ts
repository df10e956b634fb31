import type { RecordedRequest } from '../../run/trace'
import type { DataStore } from '../shared/data-store'
import { compileField, evalField, type Field } from '../shared/fields'
import { all, andThen } from '../shared/maybe'
import type { ExecuteContext, MaybePromise, NodeExecutor, StepOutcome } from '../types'
import { parseDuration } from '../wait/duration'
import type { DataStoreConfig } from './spec'

interface PreparedStore {
  store: string
  operation: DataStoreConfig['operation']
  key: Field
  value: Field | null
  ttlMs: number | undefined
}

function keyText(value: unknown): string {
  if (value === undefined || value === null || value === '')
    throw new Error('key: the expression gave no key')
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** What a write looks like in the trace (dry runs record it instead of making it). */
function recorded(p: PreparedStore, key: string, body: unknown): RecordedRequest {
  return {
    method: p.operation.toUpperCase(),
    url: `datastore:${p.store}/${encodeURIComponent(key)}`,
    headers: {},
    body,
  }
}

function run(
  p: PreparedStore,
  ctx: ExecuteContext,
  store: DataStore,
  key: string,
  value: unknown,
): MaybePromise<StepOutcome> {
  const now = ctx.now()
  const expiresAt = p.ttlMs === undefined ? undefined : now + p.ttlMs
  const write = !ctx.dryRun
  switch (p.operation) {
    case 'get':
      return andThen(store.get(p.store, key, now), (output) => ({ output }))
    case 'set': {
      const request = recorded(p, key, { value, ...(p.ttlMs === undefined ? {} : { ttlMs: p.ttlMs }) })
      return andThen(store.get(p.store, key, now), (before) =>
        andThen(write ? store.set(p.store, key, value, expiresAt, now) : undefined, () => ({
          output: { found: before.found, value },
          request,
        })),
      )
    }
    case 'delete': {
      const request = recorded(p, key, undefined)
      return andThen(store.get(p.store, key, now), (before) =>
        andThen(write ? store.delete(p.store, key, now) : before.found, () => ({ output: before, request })),
      )
    }
    case 'increment': {
      const by = value === undefined ? 1 : value
      if (typeof by !== 'number' || !Number.isFinite(by))
        throw new Error(`value: increment needs a number, got ${JSON.stringify(by)}`)
      const request = recorded(p, key, { by, ...(p.ttlMs === undefined ? {} : { ttlMs: p.ttlMs }) })
      return andThen(store.get(p.store, key, now), (before) => {
        if (write)
          return andThen(store.increment(p.store, key, by, expiresAt, now), (sum) => ({
            output: { found: before.found, value: sum },
            request,
          }))
        const current = typeof before.value === 'number' ? before.value : 0
        return { output: { found: before.found, value: current + by }, request }
      })
    }
  }
}

/** Output `{found, value}`: for writes, whether the key existed before and the value it has now. */
export const dataStoreExecutor: NodeExecutor<DataStoreConfig, PreparedStore> = {
  prepare: (config) => {
    if (config.operation === 'set' && !config.value?.trim())
      throw new Error('value: set needs a value expression')
    return {
      store: config.store,
      operation: config.operation,
      key: compileField('key', config.key),
      value: config.value?.trim() ? compileField('value', config.value) : null,
      ttlMs: config.ttl?.trim() ? parseDuration(config.ttl) : undefined,
    }
  },
  sideEffect: (p) => p.operation !== 'get',
  execute: (p, ctx) => {
    const store = ctx.dataStore
    if (!store) throw new Error('no data store is available here (the run was started without one)')
    const values = all([evalField(p.key, ctx.scope), p.value ? evalField(p.value, ctx.scope) : undefined])
    return andThen(values, ([key, value]) => run(p, ctx, store, keyText(key), value))
  },
}
