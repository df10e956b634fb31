/**
 * PostgreSQL for bench/live.ts: a throwaway schema per run (selected through the connection
 * string, which node-postgres passes on as `options`) and CPU of the server's backends.
 */
import pg from 'pg'
import { treeCpuMs } from './live-procs'

export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A fresh schema per run, selected through the connection string (node-postgres passes `options`). */
export async function pgSchema(action: 'create' | 'drop', schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    await client.query(
      action === 'create' ? `CREATE SCHEMA ${schema}` : `DROP SCHEMA IF EXISTS ${schema} CASCADE`,
    )
  } finally {
    await client.end()
  }
}

/** The schema as search_path, and the schema as application_name to find the server's backends. */
export function serverPgUrl(url: string, schema: string): string {
  const options = encodeURIComponent(`-c search_path=${schema}`)
  return `${url}${url.includes('?') ? '&' : '?'}options=${options}&application_name=${schema}`
}

/**
 * CPU ms of each PostgreSQL backend serving the server (local database only: /proc). The
 * database does part of the work per run, outside the server process and off its pinned CPU.
 */
export async function pgBackendCpu(schema: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [schema],
    )
    return new Map(rows.map((r) => [r.pid, treeCpuMs(r.pid)]))
  } finally {
    await client.end()
  }
}

/** CPU the backends used between two samples; a backend that closed in between is lost. */
export function pgCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0)
  return ms
}
