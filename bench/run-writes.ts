/**
 * What storing a live run costs the database side (`npm run bench -- "run writes"`; standalone:
 * `node --import tsx bench/run-writes.ts`): the writes of one seed-template run, replayed on a
 * fresh SQLite file with the server's own statements (hot-queries insert, group-commit
 * backend): the run row, its status, three checkpoints each with the trace events before it,
 * and the outcome with the last events, 20 runs per commit as under load, and one run per
 * commit as at a steady moderate load. Prints CPU and event-loop time per run, with
 * time-ordered run ids (as the server makes them) and, for comparison, random ones, and the
 * pages SQLite wrote to its WAL per run, a count no machine's noise moves. End-to-end
 * figures move too much on shared machines to see these.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { v7 as timeOrderedId } from 'uuid'
import { openDatabase } from '../apps/server/src/db'
import type { RunTraceTable } from '../apps/server/src/db/schema'
import { type RunUpdate, sqliteBackend } from '../apps/server/src/services/run-store/backends'
import { hotQueries } from '../apps/server/src/services/run-store/hot-queries'
import { productionRun } from './bench-services'

const RUNS_PER_COMMIT = 20
const WAL_HEADER = 32
const WAL_FRAME_HEADER = 24
const BATCHES = Number(process.env.BENCH_WRITE_BATCHES ?? 800)
// Sizes of the seed run as stored: its event, a checkpoint, and its trace in four flushes.
const EVENT = JSON.stringify({
  type: 'page',
  name: 'Trail running shoes',
  properties: { category: 'trail' },
}).padEnd(480, ' ')
const STATE = JSON.stringify({ vars: 'v'.repeat(2_300) })
const FLUSHES = [
  { events: 12, bytes: 1_700 },
  { events: 12, bytes: 1_700 },
  { events: 12, bytes: 1_700 },
  { events: 20, bytes: 2_900 },
]

async function replay(label: string, newId: () => string, perCommit = RUNS_PER_COMMIT): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowline-bench-writes-'))
  const { db, raw } = await openDatabase({ dataDir: dir })
  try {
    if (raw.kind !== 'sqlite') throw new Error('SQLite only')
    const at = new Date().toISOString()
    const workflowId = randomUUID()
    await db
      .insertInto('workflows')
      .values({
        id: workflowId,
        title: 'bench',
        archived: 0,
        latest_version: 1,
        published_version: 1,
        webhook_secret: null,
        created_at: at,
        created_by: 'bench',
        updated_at: at,
        updated_by: 'bench',
      })
      .execute()
    const commit = sqliteBackend(raw)
    const hot = hotQueries(db, raw)
    const seqs = new Map<string, number>()
    let messages = 0
    // One flush of a run's events: one row, as the run pool stores it.
    const rowOf = (runId: string, count: number, bytes: number): RunTraceTable => {
      const first = (seqs.get(runId) ?? 0) + 1
      seqs.set(runId, first + count - 1)
      const events = Array.from(
        { length: count },
        (_, i) =>
          `{"type":"node.finished","at":"${at}","nodeId":"n${first + i}","output":"${'o'.repeat(bytes / count - 70)}"}`,
      )
      return { run_id: runId, first_seq: first, last_seq: first + count - 1, data: `[${events.join(',')}]` }
    }
    const batch = async () => {
      const ids = Array.from({ length: perCommit }, () => newId())
      await Promise.all(
        ids.map((id) =>
          hot.insertRun(
            productionRun({
              id,
              workflow_id: workflowId,
              status: 'queued',
              message_id: `m-${messages++}`,
              event: EVENT,
              started_at: at,
            }),
          ),
        ),
      )
      const each = (fields: RunUpdate) => new Map(ids.map((id) => [id, fields]))
      await commit([], each({ status: 'running' }))
      for (const [i, flush] of FLUSHES.entries()) {
        const rows = ids.map((id) => rowOf(id, flush.events, flush.bytes))
        const last = i === FLUSHES.length - 1
        await commit(
          rows,
          each(
            last
              ? { status: 'succeeded', finished_at: at, duration_ms: 5, state: null, analytics_path: '[]' }
              : { state: STATE },
          ),
        )
      }
    }
    const batches = (BATCHES * RUNS_PER_COMMIT) / perCommit
    for (let i = 0; i < batches / 4; i++) await batch()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < batches; i++) await batch()
    const cpu = process.cpuUsage(cpu0)
    const runs = batches * perCommit
    const us = (n: number) => `${(n / runs).toFixed(0)} µs`
    // Pages written, counted on a WAL that is not checkpointed meanwhile: the same on any machine.
    raw.sqlite.pragma('wal_autocheckpoint = 0')
    raw.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    // 400 runs: enough for a steady average, a WAL of tens of MB at most.
    const counted = Math.max(1, Math.round(400 / perCommit))
    for (let i = 0; i < counted; i++) await batch()
    const frames =
      (statSync(join(dir, 'flowline.db-wal')).size - WAL_HEADER) /
      (WAL_FRAME_HEADER + (raw.sqlite.pragma('page_size', { simple: true }) as number))
    console.log(
      `  ${label}: ${us(cpu.user + cpu.system)} CPU per run, ${us((performance.now() - t0) * 1000)} of event-loop time per run, ` +
        `${(frames / (counted * perCommit)).toFixed(1)} pages written to the WAL per run`,
    )
  } finally {
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function benchRunWrites(): Promise<void> {
  console.log(`  ${BATCHES * RUNS_PER_COMMIT} runs after a warm-up, fresh SQLite file each`)
  await replay(`time-ordered run ids (the server), ${RUNS_PER_COMMIT} runs per commit`, timeOrderedId)
  await replay(`random run ids (for comparison), ${RUNS_PER_COMMIT} runs per commit`, randomUUID)
  // A steady moderate load: each commit holds one run's writes.
  await replay('time-ordered run ids, 1 run per commit', timeOrderedId, 1)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchRunWrites()
