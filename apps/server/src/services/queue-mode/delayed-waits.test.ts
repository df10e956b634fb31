import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db'
import { freshTarget, type TestTarget } from '../../testing/databases'
import { demoFetch, silentLogger, TEST_SERVER_URL } from '../../testing/harness'
import { redisWipe } from '../../testing/queue-mode'
import { createServices, type Services } from '..'
import type { Workflow } from '../engine'

/**
 * DESIGN §6 queue mode: "waits are delayed jobs". A run suspended on a worker gets a delayed
 * BullMQ job for its time; a worker takes it then and the run goes on. No database poll runs
 * in this test, so nothing else could resume it. PostgreSQL when TEST_DATABASE_URL is set.
 */
const REDIS = process.env.TEST_REDIS_URL
const actor = { email: 'editor@example.com' }

const model: Workflow = {
  title: 'Wait a moment',
  description: '',
  groups: [],
  nodes: [
    { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
    { id: 'w', group: null, shape: 'rectangle', label: 'Wait', type: 'wait', config: { duration: '1500' } },
    { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
  ],
  edges: [
    { id: 's-w', source: 's', sourceHandle: 'right', target: 'w', targetHandle: 'left' },
    { id: 'w-e', source: 'w', sourceHandle: 'right', target: 'e', targetHandle: 'left' },
  ],
}

describe.skipIf(!REDIS)('waits in queue mode are delayed jobs', () => {
  const dialect = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite'
  const prefix = `flowline-waits-${randomBytes(6).toString('hex')}`
  let target: TestTarget
  const closers: (() => Promise<void>)[] = []

  afterEach(async () => {
    for (const close of closers.reverse()) await close()
    closers.length = 0
    await redisWipe(REDIS!, prefix)
    await target?.dispose()
  })

  it('suspends on a worker with a delayed job that resumes the run at its time', async () => {
    target = await freshTarget(dialect)
    const { db, raw } = await openDatabase(target.target)
    const make = (role: 'api' | 'worker'): Services =>
      createServices({
        db,
        raw,
        logger: silentLogger,
        serverUrl: () => TEST_SERVER_URL,
        runDeps: { fetch: demoFetch },
        secretKey: randomBytes(32),
        queueMode: { redisUrl: REDIS!, prefix, role },
      })
    const api = make('api')
    const worker = make('worker')
    for (const s of [api, worker]) {
      await s.pool.prepare()
      s.pool.start()
      closers.push(async () => {
        await s.queueMode!.close(2_000)
        s.pool.close()
        await s.writer.flushed().catch(() => {})
      })
    }
    closers.unshift(() => db.destroy())
    await worker.queueMode!.startWorker({
      execute: (job) => worker.pool.execute(job),
      cancel: (runId) => void worker.pool.cancel(runId),
      onWake: ({ runId }) => worker.waits.wakeWhenDue(runId),
      concurrency: 4,
    })

    const { id, version } = await api.workflows.create(actor, model, 'workflow.create')
    await api.versions.publish(actor, id, version)
    const { runId } = await api.runs.acceptWebhook(id, version, { type: 'track', userId: 'u' }, null)
    const status = async () =>
      (await db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow()).status
    const until = async (want: string, ms: number) => {
      const deadline = Date.now() + ms
      while ((await status()) !== want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
      return status()
    }

    expect(await until('waiting', 10_000)).toBe('waiting')
    const delayed = await api.queueMode!.queue.queue.getDelayed()
    expect(delayed.map((j) => [j.name, j.id])).toEqual([
      ['wake', expect.stringMatching(new RegExp(`^wake:${runId}:`))],
    ])
    expect(await until('succeeded', 10_000)).toBe('succeeded')
    const { events } = await api.runs.get(runId)
    expect(events.map((e) => e.type)).toContain('run.resumed')
  })
})
