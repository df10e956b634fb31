import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { type Db, openDatabase, type RawDatabase } from '../../db'
import { freshTarget, type TestTarget } from '../../testing/databases'
import { demoFetch, silentLogger, TEST_SERVER_URL } from '../../testing/harness'
import { redisWipe } from '../../testing/queue-mode'
import { createServices, type Services } from '..'
import type { Workflow } from '../engine'
import { schedulerId } from './bullmq'

/**
 * DESIGN §6 queue mode: schedules are BullMQ job schedulers on the runs queue. Publishing
 * registers one (its next time computed by croner, in the schedule's zone), a worker turns each
 * due job into one run, unpublishing removes it, and an API start restores what Redis lost.
 * PostgreSQL when TEST_DATABASE_URL is set (as queue mode requires), else SQLite.
 */
const REDIS = process.env.TEST_REDIS_URL
const actor = { email: 'editor@example.com' }
const MINUTE = 60_000

const model: Workflow = {
  title: 'Every minute in Paris',
  description: '',
  groups: [],
  nodes: [
    {
      id: 't',
      group: null,
      shape: 'circle',
      label: 'Every minute',
      type: 'schedule',
      config: { cron: '*/1 * * * *', timezone: 'Europe/Paris' },
    },
    { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
  ],
  edges: [{ id: 't-e', source: 't', sourceHandle: 'right', target: 'e', targetHandle: 'left' }],
}

interface Instance {
  db: Db
  raw: RawDatabase
  services: Services
  close(): Promise<void>
}

describe.skipIf(!REDIS)('schedule triggers in queue mode (BullMQ)', () => {
  const dialect = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite'
  const secretKey = randomBytes(32)
  let prefix = ''
  let target: TestTarget
  let open: Instance[] = []

  afterEach(async () => {
    for (const i of open.reverse()) await i.close()
    open = []
    await redisWipe(REDIS!, prefix)
    await target?.dispose()
  })

  async function instance(role: 'api' | 'worker', sharing?: Instance): Promise<Instance> {
    // SQLite: one connection for both processes of the test (see schedules.test.ts).
    const { db, raw } = sharing && dialect === 'sqlite' ? sharing : await openDatabase(target.target)
    const services = createServices({
      db,
      raw,
      logger: silentLogger,
      serverUrl: () => TEST_SERVER_URL,
      runDeps: { fetch: demoFetch },
      secretKey,
      queueMode: { redisUrl: REDIS!, prefix, role },
    })
    await services.pool.prepare()
    services.pool.start()
    if (role === 'worker')
      await services.queueMode!.startWorker({
        execute: (job) => services.pool.execute(job),
        cancel: (runId) => void services.pool.cancel(runId),
        onSchedule: (data, scheduledMs) => services.schedules.fire(data, scheduledMs),
        concurrency: 4,
      })
    const i: Instance = {
      db,
      raw,
      services,
      async close() {
        await services.queueMode!.close(2_000)
        services.pool.close()
        await services.writer.flushed().catch(() => {})
        if (!(sharing && dialect === 'sqlite')) await db.destroy()
      },
    }
    open.push(i)
    return i
  }

  const bullQueue = (s: Services) => s.queueMode!.queue.queue
  const delayedOf = async (s: Services, id: string) =>
    (await bullQueue(s).getDelayed()).filter((j) => j.repeatJobKey === id)

  async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
    const deadline = Date.now() + ms
    let v = await read()
    while (!done(v) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
      v = await read()
    }
    return v
  }

  it('publishing registers a job scheduler; each due job becomes one run; unpublishing removes it', async () => {
    prefix = `flowline-sched-${randomBytes(6).toString('hex')}`
    target = await freshTarget(dialect)
    const api = await instance('api')
    const worker = await instance('worker', api)
    const s = api.services
    const { id, version } = await s.workflows.create(actor, model, 'workflow.create')
    await s.versions.publish(actor, id, version)

    const key = schedulerId(id, 't')
    expect(await bullQueue(s).getJobScheduler(key)).toMatchObject({
      pattern: '*/1 * * * *',
      tz: 'Europe/Paris',
    })
    const [first] = await delayedOf(s, key)
    expect(first.opts).toMatchObject({ attempts: 5, removeOnComplete: true })
    const due = first.opts.prevMillis!
    expect(due % MINUTE).toBe(0)
    expect(due).toBeGreaterThan(Date.now() - 1_000)
    expect(due).toBeLessThanOrEqual(Date.now() + MINUTE)

    // Due now (as after workers were down): the worker starts one run for that occurrence.
    await first.promote()
    const runsOf = () => s.runs.list({ workflowId: id })
    let runs = await poll(runsOf, (r) => r.length === 1 && r[0].status === 'succeeded')
    expect(runs.map((r) => [r.trigger, r.status, r.messageId])).toEqual([
      ['schedule', 'succeeded', `schedule:${id}:t:${new Date(due).toISOString()}`],
    ])
    const { run } = await s.runs.get(runs[0].id)
    expect(run.event).toEqual({ type: 'schedule', timestamp: new Date(due).toISOString() })

    // The next occurrence is queued at the following minute; a retried job would not run twice.
    const [next] = await poll(
      () => delayedOf(s, key),
      (j) => j.length === 1 && j[0].opts.prevMillis !== due,
    )
    expect(next.opts.prevMillis).toBe(due + MINUTE)
    expect(await worker.services.schedules.fire({ workflowId: id, nodeId: 't' }, due)).toMatchObject({
      runId: runs[0].id,
      duplicate: true,
    })
    await next.promote()
    runs = await poll(runsOf, (r) => r.length === 2 && r.every((x) => x.status === 'succeeded'))
    expect(runs).toHaveLength(2)

    await s.versions.unpublish(actor, id)
    expect(await bullQueue(s).getJobScheduler(key)).toBeUndefined()
    expect(await delayedOf(s, key)).toEqual([])
  })

  it('an API start restores the schedulers Redis lost, and leaves a due one as it is', async () => {
    prefix = `flowline-sched-${randomBytes(6).toString('hex')}`
    target = await freshTarget(dialect)
    const api = await instance('api')
    const s = api.services
    const a = await s.workflows.create(actor, model, 'workflow.create')
    await s.versions.publish(actor, a.id, a.version)
    const b = await s.workflows.create(actor, model, 'workflow.create')
    await s.versions.publish(actor, b.id, b.version)
    const [keyA, keyB] = [schedulerId(a.id, 't'), schedulerId(b.id, 't')]
    const dueB = (await delayedOf(s, keyB))[0].id
    await bullQueue(s).removeJobScheduler(keyA)
    await bullQueue(s).upsertJobScheduler('schedule:gone:t', { pattern: '0 9 * * *' }, { name: 'schedule' })

    await s.schedules.start()
    expect(await bullQueue(s).getJobScheduler(keyA)).toMatchObject({
      pattern: '*/1 * * * *',
      tz: 'Europe/Paris',
    })
    expect(await bullQueue(s).getJobScheduler('schedule:gone:t')).toBeUndefined()
    expect((await delayedOf(s, keyB)).map((j) => j.id)).toEqual([dueB])
  })
})
