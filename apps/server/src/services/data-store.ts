import type { DataStore } from '@flowline/engine'
import type { Db } from '../db'
import { now as isoNow } from '../db'

const MAX_TRIES = 60

// After a lost compare-and-set, wait a little (growing, random) so contenders spread out.
const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 6)))

/**
 * The data-store node's stores on the database (DESIGN §4): shared by all runs of all
 * workflows and processes. Writes are compare-and-set on the stored text, so concurrent
 * increments from several runs (or worker processes) never lose a count.
 */
export function createDataStore(db: Db): DataStore {
  async function read(store: string, key: string, now: number) {
    const row = await db
      .selectFrom('data_store')
      .select(['value', 'expires_at'])
      .where('store', '=', store)
      .where('key', '=', key)
      .executeTakeFirst()
    if (!row) return null
    const expiresAt = row.expires_at === null ? null : Number(row.expires_at)
    return { text: row.value, live: expiresAt === null || expiresAt > now, expiresAt }
  }

  /** Writes `next(current)` unless someone else wrote in between; then tries again. */
  async function update<T>(
    store: string,
    key: string,
    now: number,
    next: (current: { value: unknown; expiresAt: number | null } | null) => {
      value: unknown
      expiresAt: number | null
      result: T
    },
  ): Promise<T> {
    for (let i = 0; i < MAX_TRIES; i++) {
      if (i > 0) await backOff(i)
      const row = await read(store, key, now)
      const current = row?.live ? { value: JSON.parse(row.text) as unknown, expiresAt: row.expiresAt } : null
      const { value, expiresAt, result } = next(current)
      const fields = { value: JSON.stringify(value ?? null), expires_at: expiresAt, updated_at: isoNow() }
      if (!row) {
        const inserted = await db
          .insertInto('data_store')
          .values({ store, key, ...fields })
          .onConflict((oc) => oc.columns(['store', 'key']).doNothing())
          .executeTakeFirst()
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return result
        continue
      }
      const updated = await db
        .updateTable('data_store')
        .set(fields)
        .where('store', '=', store)
        .where('key', '=', key)
        .where('value', '=', row.text)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 1) return result
    }
    throw new Error(`data store "${store}": key "${key}" changed too often to update; try again`)
  }

  return {
    async get(store, key, now) {
      const row = await read(store, key, now)
      return row?.live
        ? { found: true, value: JSON.parse(row.text) as unknown }
        : { found: false, value: null }
    },
    set: (store, key, value, expiresAt, now) =>
      update(store, key, now, () => ({ value, expiresAt: expiresAt ?? null, result: undefined })),
    async delete(store, key, now) {
      const row = await read(store, key, now)
      await db.deleteFrom('data_store').where('store', '=', store).where('key', '=', key).execute()
      return !!row?.live
    },
    increment: (store, key, by, expiresAt, now) =>
      update(store, key, now, (current) => {
        const before = typeof current?.value === 'number' ? current.value : 0
        const sum = before + by
        // A counter keeps its first expiry unless a TTL is given again.
        return { value: sum, expiresAt: expiresAt ?? current?.expiresAt ?? null, result: sum }
      }),
  }
}
