/**
 * Runs waiting for events at scale (issue 16): 100,000 live runs wait at a wait-for-event
 * step, each for its own user. Measures how long resuming one by an incoming event takes
 * (the key lookup, the filter and correlation evaluated on a run thread, the conditional
 * claim committed, the next segment queued) and how long until that run has finished, then
 * what the wait scheduler costs per second while nothing is due. SQLite by default;
 * `BENCH_WAITS_DB=postgres` with TEST_DATABASE_URL uses PostgreSQL. Standalone:
 * `node --import tsx bench/waits.ts`.
 */
import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { sql } from 'kysely'
import { type Db, now } from '../apps/server/src/db'
import type { RawDatabase } from '../apps/server/src/db/dialect'
import type { RunsTable, RunWaitsTable } from '../apps/server/src/db/schema'
import { retentionFlow } from '../apps/server/src/testing/flows'
import { benchServices, productionRun } from './bench-services'

const WAITING = Number(process.env.BENCH_WAITING ?? 100_000)
const PROBES = 20
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10)

const model = retentionFlow('7d')

const ms = (n: number) => `${n.toFixed(2)} ms`
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]

/** The filler: runs as a live run leaves them at the wait, inserted in bulk. */
async function fillWaiting(db: Db, raw: RawDatabase, workflowId: string, state: string, resumeAt: string) {
  const runs: RunsTable[] = []
  const waits: RunWaitsTable[] = []
  const at = now()
  for (let i = 0; i < WAITING; i++) {
    const id = randomUUID()
    runs.push(
      productionRun({
        id,
        workflow_id: workflowId,
        status: 'waiting',
        message_id: `filler-${i}`,
        event: JSON.stringify({ type: 'track', event: 'Cancel Requested', userId: `filler-${i}` }),
        started_at: at,
        state,
        resume_at: resumeAt,
      }),
    )
    waits.push({
      run_id: id,
      workflow_id: workflowId,
      version: 1,
      node_id: 'w',
      kind: 'event',
      wait_key: `filler-${i}`,
      test: 0,
      task: null,
      until: resumeAt,
      created_at: at,
    })
  }
  if (raw.kind === 'sqlite') {
    const cols = (row: object) => Object.keys(row)
    const insert = (table: string, sample: object) =>
      raw.sqlite.prepare(
        `INSERT INTO ${table} (${cols(sample).join(', ')}) VALUES (${cols(sample)
          .map((c) => `@${c}`)
          .join(', ')})`,
      )
    const insertRun = insert('runs', runs[0])
    const insertWait = insert('run_waits', waits[0])
    raw.sqlite.transaction(() => {
      for (const r of runs) insertRun.run(r)
      for (const w of waits) insertWait.run(w)
    })()
    return
  }
  for (let i = 0; i < runs.length; i += 2_000) {
    await db
      .insertInto('runs')
      .values(runs.slice(i, i + 2_000))
      .execute()
    await db
      .insertInto('run_waits')
      .values(waits.slice(i, i + 2_000))
      .execute()
  }
  // What autovacuum would do after such a load: the planner needs to know the tables grew.
  await sql`ANALYZE runs`.execute(db)
  await sql`ANALYZE run_waits`.execute(db)
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 1))
  }
}

export async function benchWaits(): Promise<void> {
  const usePg = process.env.BENCH_WAITS_DB === 'postgres' && process.env.TEST_DATABASE_URL
  const { db, raw, services, dispose } = await benchServices('waits', !!usePg)
  await services.pool.prepare()
  services.pool.start()
  try {
    const editor = { email: 'bench@example.com' }
    const { id: workflowId } = await services.workflows.create(editor, model, 'workflow.create')
    await services.versions.publish(editor, workflowId, 1)
    const start = (userId: string) =>
      services.runs.acceptWebhook(
        workflowId,
        1,
        { type: 'track', event: 'Cancel Requested', userId },
        null,
        JSON.stringify({ type: 'track', event: 'Cancel Requested', userId }),
      )
    // One real run gives the state every filler run holds.
    const { runId: first } = await start('probe-template')
    await services.queue.drain(10_000)
    const row = await db
      .selectFrom('runs')
      .select(['state', 'resume_at'])
      .where('id', '=', first)
      .executeTakeFirstOrThrow()
    const t0 = performance.now()
    await fillWaiting(db, raw, workflowId, row.state!, row.resume_at!)
    console.log(
      `  ${WAITING.toLocaleString('en')} runs waiting (${usePg ? 'PostgreSQL' : 'SQLite'}), inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )

    const probes: string[] = []
    for (let i = 0; i < PROBES; i++) probes.push((await start(`probe-${i}`)).runId)
    await services.queue.drain(10_000)

    const resume: number[] = []
    const finished: number[] = []
    for (let i = 0; i < PROBES; i++) {
      const began = performance.now()
      const resumed = await services.waitingRuns.deliver(workflowId, {
        type: 'track',
        event: 'Offer Accepted',
        userId: `probe-${i}`,
      })
      resume.push(performance.now() - began)
      if (resumed.length !== 1 || resumed[0] !== probes[i]) throw new Error(`probe ${i} resumed ${resumed}`)
      await until(async () => {
        const r = await db
          .selectFrom('runs')
          .select('status')
          .where('id', '=', probes[i])
          .executeTakeFirstOrThrow()
        return r.status === 'succeeded'
      })
      finished.push(performance.now() - began)
    }
    const missed: number[] = []
    for (let i = 0; i < PROBES; i++) {
      const began = performance.now()
      await services.waitingRuns.deliver(workflowId, {
        type: 'track',
        event: 'Offer Accepted',
        userId: `nobody-${i}`,
      })
      missed.push(performance.now() - began)
    }
    console.log(
      `  resume one by event: median ${ms(median(resume))}, max ${ms(Math.max(...resume))} (target ≤ 5 ms); to finished: median ${ms(median(finished))}`,
    )
    console.log(`  an event no run waits for: median ${ms(median(missed))}`)

    // Idle: the scheduler polls for due waits; nothing is due for a week. Measured against the
    // same process without it (its run thread's heartbeat and the watchdog tick anyway).
    const cpuPerSecond = async () => {
      await new Promise((r) => setTimeout(r, 500))
      const cpu = process.cpuUsage()
      const wall = performance.now()
      await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000))
      const used = process.cpuUsage(cpu)
      return (used.user + used.system) / 1000 / ((performance.now() - wall) / 1000)
    }
    services.waits.start()
    const withScheduler = await cpuPerSecond()
    await services.waits.stop()
    const without = await cpuPerSecond()
    // One look for due runs, as the scheduler makes once a second, timed on its own.
    const tick = (services.waits as unknown as { tick(): Promise<void> }).tick.bind(services.waits)
    const cpu = process.cpuUsage()
    for (let i = 0; i < 1_000; i++) await tick()
    const used = process.cpuUsage(cpu)
    const perTick = (used.user + used.system) / 1000 / 1_000
    console.log(
      `  wait scheduler, nothing due: ${ms(perTick)} CPU per look (one look a second); idle process ${without.toFixed(1)} ms CPU/s without it, ${withScheduler.toFixed(1)} with it (run thread heartbeat and watchdog included; noisy)`,
    )
  } finally {
    await dispose()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchWaits()
