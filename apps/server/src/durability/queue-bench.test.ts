import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createChildServer, deliver, pollUntil, publishTemplate, signIn } from '../testing/child-server'
import { type ChildWorker, createChildWorker } from '../testing/child-worker'
import { segmentEvent } from '../testing/http-client'
import { cpuMs, redisWipe, waitForWorkers } from '../testing/queue-mode'
import { startStubServer } from '../testing/stub-server'

/**
 * Queue-mode throughput (issue 14's benchmark), opt-in: FLOWLINE_QUEUE_BENCH=1 with
 * TEST_REDIS_URL and TEST_DATABASE_URL. Finished runs/s of the personalization template
 * (stubs answer at once) with one worker, then two; CPU per run of each process kind.
 */
const REDIS = process.env.TEST_REDIS_URL
const PG = process.env.TEST_DATABASE_URL
const RUNS = Number(process.env.FLOWLINE_QUEUE_BENCH_RUNS ?? 4_000)
const SENDERS = 64

/** PostgreSQL's own counters for the database: commits, rows written, WAL position. */
async function pgCounters(url: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query(
      `SELECT xact_commit::bigint AS commits, (tup_inserted + tup_updated + tup_deleted)::bigint AS rows,
              pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS wal
         FROM pg_stat_database WHERE datname = current_database()`,
    )
    return { commits: Number(rows[0].commits), rows: Number(rows[0].rows), wal: Number(rows[0].wal) }
  } finally {
    await client.end()
  }
}

/** Commands Redis has processed so far (every client, so run the benchmark on a quiet Redis). */
async function redisCommands(url: string): Promise<number> {
  const redis = new Redis(url)
  const info = await redis.info('stats')
  redis.disconnect()
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0)
}

describe.skipIf(!REDIS || !PG || !process.env.FLOWLINE_QUEUE_BENCH)('queue mode throughput', () => {
  const prefix = `flowline-qb-${randomBytes(6).toString('hex')}`
  const cleanup: (() => Promise<unknown>)[] = []
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c()
    await redisWipe(REDIS!, prefix)
  })

  it('measures 1 and 2 workers', async () => {
    const braze = await startStubServer(() => ({ status: 201, body: { message: 'success' } }))
    const reco = await startStubServer(() => ({
      body: { confidence: 0.91, recommendations: [{ id: 'sku-1', title: 'Trail shoe', score: 0.91 }] },
    }))
    cleanup.push(braze.close, reco.close)
    const shared = { REDIS_URL: REDIS!, FLOWLINE_REDIS_PREFIX: prefix, FLOWLINE_SECRET_KEY: '7c'.repeat(32) }
    const api = await createChildServer({ dialect: 'postgres', env: shared })
    cleanup.push(api.dispose)
    await api.start()
    const { workflowId } = await publishTemplate(api, await signIn(api), {
      brazeUrl: braze.url,
      recoUrl: reco.url,
    })
    const workers: ChildWorker[] = []
    const threads = process.env.FLOWLINE_RUN_THREADS ?? '2'
    const addWorker = async () => {
      const w = createChildWorker(`w${workers.length + 1}`, {
        ...shared,
        DATABASE_URL: api.databaseUrl!,
        FLOWLINE_API_URL: api.url,
        FLOWLINE_ALLOW_HOSTS: '127.0.0.1',
        FLOWLINE_RUN_THREADS: threads,
      })
      workers.push(w)
      cleanup.push(w.dispose)
      w.start()
      await waitForWorkers(api.url, workers.length, 60_000)
    }

    const lines: string[] = []
    // Warm-up (JIT, caches, PostgreSQL's buffers), not measured.
    await addWorker()
    await Promise.all(
      Array.from({ length: 300 }, (_, k) => deliver(api, workflowId, segmentEvent(`${prefix}-warm-${k}`))),
    )
    await pollUntil(
      () => api.db.statusCounts(),
      (c) => (c.succeeded ?? 0) >= 300,
      120_000,
      100,
    )
    for (const n of [1, 2]) {
      while (workers.length < n) await addWorker()
      const before = (await api.db.statusCounts()).succeeded ?? 0
      const cpu0 = [api.pid, ...workers.map((w) => w.pid)].map(cpuMs)
      const pg0 = await pgCounters(api.databaseUrl!)
      const redis0 = await redisCommands(REDIS!)
      const t0 = performance.now()
      let next = 0
      const statuses: number[] = []
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          for (let k = next++; k < RUNS; k = next++)
            statuses.push((await deliver(api, workflowId, segmentEvent(`${prefix}-${n}-${k}`))).status)
        }),
      )
      const sentMs = performance.now() - t0
      const done = await pollUntil(
        () => api.db.statusCounts(),
        (c) => (c.succeeded ?? 0) - before >= RUNS || (c.failed ?? 0) > 0,
        180_000,
        100,
      )
      const ms = performance.now() - t0
      const cpu = [api.pid, ...workers.map((w) => w.pid)].map(cpuMs).map((c, i) => c - cpu0[i])
      const finished = (done.value.succeeded ?? 0) - before
      // The statistics collector flushes about once a second.
      await new Promise((r) => setTimeout(r, 1_500))
      const pg1 = await pgCounters(api.databaseUrl!)
      const redisPerRun = ((await redisCommands(REDIS!)) - redis0) / finished
      const per = (k: 'commits' | 'rows' | 'wal') => ((pg1[k] - pg0[k]) / finished).toFixed(1)
      lines.push(
        `${n} worker(s), ${threads} run threads each: ${finished} runs in ${(ms / 1000).toFixed(1)} s = ${Math.round((finished * 1000) / ms)} finished runs/s (accepted at ${Math.round((RUNS * 1000) / sentMs)}/s); CPU per run: API ${(cpu[0] / finished).toFixed(2)} ms, workers ${cpu
          .slice(1)
          .map((c) => (c / finished).toFixed(2))
          .join(
            ' + ',
          )} ms; PostgreSQL per run: ${per('commits')} commits, ${per('rows')} rows written, ${per('wal')} WAL bytes; Redis ${redisPerRun.toFixed(0)} commands per run`,
      )
      expect(statuses.filter((s) => s !== 202)).toEqual([])
      expect(done.timedOut).toBe(false)
    }
    console.log(lines.join('\n'))
  })
})
