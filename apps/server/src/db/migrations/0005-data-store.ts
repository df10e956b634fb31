import type { Kysely, Migration } from 'kysely'

/**
 * The `data-store` node's named key-value stores, shared by all runs of all workflows
 * (DESIGN §4). `value` is JSON; `expires_at` is epoch milliseconds (bigint: past 2038 in
 * PostgreSQL's 32-bit integer), null to keep the value until it is deleted.
 */
export const dataStoreMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('data_store')
      .addColumn('store', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('data_store_pk', ['store', 'key'])
      .execute()
  },
}
