import type { Kysely, Migration } from 'kysely'

/**
 * People management (issue 18). `users.deactivated_at` keeps a deactivated account (its
 * name stays in the audit log and on versions) while refusing its sign-ins and sessions.
 * `password_tokens` are one-time set-password links: only a sha256 of the token is stored,
 * each expires, and `used_at` makes it single-use (set by a conditional update).
 */
export const peopleMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('deactivated_at', 'text').execute()
    await db.schema
      .createTable('password_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // 'invite': the account's first password; 'reset': a new one chosen by its owner.
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute()
    await db.schema.createIndex('password_tokens_user').on('password_tokens').column('user_id').execute()
  },
}
