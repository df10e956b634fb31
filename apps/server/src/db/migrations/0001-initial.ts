import type { Kysely, Migration } from 'kysely'
import type { DialectKind } from '../dialect'

/** The initial schema. Only the auto-increment column differs between dialects. */
export function initialMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('workflows')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('latest_version', 'integer', (c) => c.notNull())
        .addColumn('published_version', 'integer')
        .addColumn('webhook_secret', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute()

      // The composite primary key is what makes optimistic concurrency race-free:
      // two saves from the same base both try to insert number base+1, one loses.
      await db.schema
        .createTable('workflow_versions')
        .addColumn('workflow_id', 'text', (c) => c.notNull().references('workflows.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('issues', 'text', (c) => c.notNull())
        .addColumn('error_count', 'integer', (c) => c.notNull())
        .addColumn('warning_count', 'integer', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('message', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .addPrimaryKeyConstraint('workflow_versions_pk', ['workflow_id', 'number'])
        .execute()

      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer')
        .addColumn('model', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('dry_run', 'integer', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('mocks', 'text')
        .addColumn('error', 'text')
        .addColumn('actor', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('duration_ms', 'integer')
        .addColumn('state', 'text')
        .addColumn('resume_at', 'text')
        .execute()
      // Webhook dedupe: NULL message ids (test runs) are distinct in both SQLite and PostgreSQL.
      await db.schema
        .createIndex('runs_message_id_unique')
        .on('runs')
        .columns(['workflow_id', 'message_id'])
        .unique()
        .execute()
      await db.schema
        .createIndex('runs_workflow_started')
        .on('runs')
        .columns(['workflow_id', 'started_at'])
        .execute()
      await db.schema.createIndex('runs_status').on('runs').column('status').execute()

      await db.schema
        .createTable('run_events')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_events_pk', ['run_id', 'seq'])
        .execute()

      await db.schema
        .createTable('audit_log')
        .addColumn('id', kind === 'postgres' ? 'serial' : 'integer', (c) =>
          kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('audit_workflow').on('audit_log').column('workflow_id').execute()

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute()
    },
  }
}
