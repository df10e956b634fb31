import type { Kysely, Migration } from 'kysely'

/**
 * Connections: named, typed credentials. `config` holds the non-secret settings as JSON
 * (endpoint, base URL, auth scheme); `secret` only ever holds AES-256-GCM ciphertext
 * (services/secret-box.ts). Plain text columns, so the migration is the same for both dialects.
 */
export const connectionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('connections')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('secret_updated_at', 'text', (c) => c.notNull())
      .execute()
  },
}
