import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { DatabaseTarget } from '../db/dialect'

export type DialectName = 'sqlite' | 'postgres'

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const dialects: DialectName[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']

export interface TestTarget {
  target: DatabaseTarget
  dispose(): Promise<void>
}

/** A fresh, empty database: a temp dir for SQLite, a new schema for PostgreSQL. */
export async function freshTarget(dialect: DialectName): Promise<TestTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowline-test-'))
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true })
  if (dialect === 'sqlite') return { target: { dataDir }, dispose: async () => removeDir() }

  const databaseUrl = process.env.TEST_DATABASE_URL!
  const schema = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: databaseUrl })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.end()
  return {
    target: { dataDir, databaseUrl, pgSchema: schema },
    async dispose() {
      const client = new pg.Client({ connectionString: databaseUrl })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await client.end()
      removeDir()
    },
  }
}
