import type { MaybePromise } from '../types'

/**
 * Named key-value stores shared by all runs of all workflows (DESIGN §4 `data-store`). The
 * server implements it on its database; the CLI and tests use `createMemoryDataStore`.
 * `now` is the run's clock (virtual in test runs), so TTLs follow skipped waits.
 */
export interface DataStore {
  get(store: string, key: string, now: number): MaybePromise<{ found: boolean; value: unknown }>
  /** `expiresAt`: epoch ms, or undefined to keep the value until it is deleted. */
  set(
    store: string,
    key: string,
    value: unknown,
    expiresAt: number | undefined,
    now: number,
  ): MaybePromise<void>
  /** Whether the key existed. */
  delete(store: string, key: string, now: number): MaybePromise<boolean>
  /** Adds `by` to the number stored (a missing or expired key counts as 0) and returns the sum. */
  increment(
    store: string,
    key: string,
    by: number,
    expiresAt: number | undefined,
    now: number,
  ): MaybePromise<number>
}

interface Entry {
  value: unknown
  expiresAt: number | undefined
}

/** A store in memory: for the CLI, tests and anything without a database. */
export function createMemoryDataStore(): DataStore {
  const stores = new Map<string, Map<string, Entry>>()
  const table = (store: string) => {
    let t = stores.get(store)
    if (!t) {
      t = new Map()
      stores.set(store, t)
    }
    return t
  }
  const live = (store: string, key: string, now: number): Entry | undefined => {
    const entry = stores.get(store)?.get(key)
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= now) {
      stores.get(store)?.delete(key)
      return undefined
    }
    return entry
  }
  return {
    get: (store, key, now) => {
      const entry = live(store, key, now)
      return entry ? { found: true, value: structuredClone(entry.value) } : { found: false, value: null }
    },
    set: (store, key, value, expiresAt) => {
      table(store).set(key, { value: structuredClone(value), expiresAt })
    },
    delete: (store, key, now) => {
      const existed = live(store, key, now) !== undefined
      stores.get(store)?.delete(key)
      return existed
    },
    increment: (store, key, by, expiresAt, now) => {
      const entry = live(store, key, now)
      const before = typeof entry?.value === 'number' ? entry.value : 0
      const sum = before + by
      // A counter keeps its first expiry unless a TTL is given again.
      table(store).set(key, { value: sum, expiresAt: expiresAt ?? entry?.expiresAt })
      return sum
    },
  }
}
