import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { type Db, openDatabase, type RawDatabase } from '../../db'
import { dialects, freshTarget, type TestTarget } from '../../testing/databases'
import { demoFetch, silentLogger, TEST_SERVER_URL } from '../../testing/harness'
import { createServices, type Services } from '..'
import type { Workflow } from '../engine'

/**
 * DESIGN §4 `schedule`: a published workflow runs at its cron's times, driven by the server
 * clock; a stretch missed while the server was down runs once at start; unpublishing stops
 * it; processes sharing a database run each occurrence once.
 */
const actor = { email: 'editor@example.com' }
const T0 = Date.parse('2026-05-04T09:00:30Z')
const at = (hhmmss: string) => Date.parse(`2026-05-04T${hhmmss}Z`)
const iso = (hhmmss: string) => new Date(at(hhmmss)).toISOString()

const node = (id: string, type: string, config: object) => ({
  id,
  group: null,
  shape: 'circle' as const,
  label: id,
  type,
  config,
})
const edge = (source: string, target: string) => ({
  id: `${source}-${target}`,
  source,
  sourceHandle: 'right' as const,
  target,
  targetHandle: 'left' as const,
})

/** A Segment start and an every-minute schedule, both ending at `e`. */
function everyMinute(cron = '*/1 * * * *'): Workflow {
  return {
    title: 'Every minute',
    description: '',
    groups: [],
    nodes: [
      node('s', 'start', {}),
      node('t', 'schedule', { cron, timezone: 'Europe/Paris' }),
      node('e', 'end', {}),
    ],
    edges: [edge('s', 'e'), edge('t', 'e')],
  }
}

interface Instance {
  db: Db
  raw: RawDatabase
  services: Services
  close(): Promise<void>
}

describe.each(dialects)('schedule triggers (%s)', (dialect) => {
  let target: TestTarget
  let open: Instance[] = []
  let now = T0
  const clock = () => now
  const secretKey = randomBytes(32)

  afterEach(async () => {
    for (const i of open.reverse()) await i.close()
    open = []
    await target?.dispose()
  })

  /**
   * A server's services over the test database (a second call: another process on the same
   * one). `sharing` reuses an instance's connection instead of opening one.
   */
  async function instance(sharing?: Instance): Promise<Instance> {
    const { db, raw } = sharing ?? (await openDatabase(target.target))
    const services = createServices({
      db,
      raw,
      logger: silentLogger,
      serverUrl: () => TEST_SERVER_URL,
      runDeps: { fetch: demoFetch },
      secretKey,
      clock,
    })
    await services.pool.prepare()
    services.pool.start()
    let closed = false
    const i: Instance = {
      db,
      raw,
      services,
      async close() {
        if (closed) return
        closed = true
        await services.schedules.stop()
        await services.queue.drain(15_000)
        services.pool.close()
        await services.writer.flushed().catch(() => {})
        if (!sharing) await db.destroy()
      },
    }
    open.push(i)
    return i
  }

  async function publish(s: Services, model = everyMinute()) {
    const { id, version } = await s.workflows.create(actor, model, 'workflow.create')
    await s.versions.publish(actor, id, version)
    return id
  }

  const scheduledRuns = async (s: Services, workflowId: string) => {
    await s.queue.drain(15_000)
    const runs = await s.runs.list({ workflowId })
    return runs
      .filter((r) => r.trigger === 'schedule')
      .sort((a, b) => a.messageId!.localeCompare(b.messageId!))
  }
  const timestamps = async (s: Services, workflowId: string) => {
    const out: string[] = []
    for (const r of await scheduledRuns(s, workflowId)) {
      const { run } = await s.runs.get(r.id)
      out.push((run.event as { timestamp: string }).timestamp)
    }
    return out
  }

  it('runs a published */1 schedule once per minute as the clock moves, starting at the schedule', async () => {
    target = await freshTarget(dialect)
    now = T0
    const { services: s } = await instance()
    const id = await publish(s)
    expect(await s.schedules.list(id)).toMatchObject([
      { nodeId: 't', cron: '*/1 * * * *', timezone: 'Europe/Paris', nextAt: iso('09:01:00'), lastAt: null },
    ])
    expect(await s.schedules.runDue()).toBe(0)
    now = at('09:01:00')
    expect(await s.schedules.runDue()).toBe(1)
    expect(await s.schedules.runDue()).toBe(0)
    now = at('09:01:59')
    expect(await s.schedules.runDue()).toBe(0)
    now = at('09:02:00')
    expect(await s.schedules.runDue()).toBe(1)
    now = at('09:03:10')
    expect(await s.schedules.runDue()).toBe(1)

    expect(await timestamps(s, id)).toEqual([iso('09:01:00'), iso('09:02:00'), iso('09:03:00')])
    const runs = await scheduledRuns(s, id)
    expect(runs.map((r) => [r.kind, r.status, r.trigger, r.messageId])).toEqual(
      ['09:01:00', '09:02:00', '09:03:00'].map((t) => [
        'production',
        'succeeded',
        'schedule',
        `schedule:${id}:t:${iso(t)}`,
      ]),
    )
    // The run entered at the schedule: the Segment start beside it was skipped.
    const { events } = await s.runs.get(runs[0].id)
    expect(events.find((e) => e.type === 'node.finished' && e.nodeId === 't')).toMatchObject({
      output: { type: 'schedule', timestamp: iso('09:01:00') },
    })
    expect(events.find((e) => e.type === 'node.skipped')).toMatchObject({ nodeId: 's' })
    expect(await s.schedules.list(id)).toMatchObject([{ nextAt: iso('09:04:00'), lastAt: iso('09:03:00') }])
  })

  it('runs a time missed while the server was down once at start, then goes on at the next time', async () => {
    target = await freshTarget(dialect)
    now = T0
    const first = await instance()
    const id = await publish(first.services)
    await first.close()

    // Back 10 minutes later: ten occurrences passed, one run stands for them.
    now = at('09:10:45')
    const { services: s } = await instance()
    await s.schedules.start()
    const deadline = Date.now() + 10_000
    while ((await scheduledRuns(s, id)).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    await s.schedules.stop()
    expect(await timestamps(s, id)).toEqual([iso('09:01:00')])
    expect(await s.schedules.list(id)).toMatchObject([{ nextAt: iso('09:11:00') }])
    expect(await s.schedules.runDue()).toBe(0)
    now = at('09:11:00')
    expect(await s.schedules.runDue()).toBe(1)
    expect(await timestamps(s, id)).toEqual([iso('09:01:00'), iso('09:11:00')])
    expect((await scheduledRuns(s, id)).map((r) => r.status)).toEqual(['succeeded', 'succeeded'])
  })

  it('stops when unpublished, archived, or published without the node; a changed cron takes effect', async () => {
    target = await freshTarget(dialect)
    now = T0
    const { services: s } = await instance()
    const id = await publish(s)
    await s.versions.unpublish(actor, id)
    expect(await s.schedules.list(id)).toEqual([])
    now = at('09:05:00')
    expect(await s.schedules.runDue()).toBe(0)

    // Published again: from the next time after now, not the times missed while unpublished.
    await s.versions.publish(actor, id, 1)
    expect(await s.schedules.list(id)).toMatchObject([{ nextAt: iso('09:06:00') }])
    // Version 2 fires at :30 past each hour only.
    const v2 = await s.workflows.save(actor, { id, baseVersion: 1, model: everyMinute('30 * * * *') })
    await s.versions.publish(actor, id, v2.version)
    expect(await s.schedules.list(id)).toMatchObject([
      { version: 2, cron: '30 * * * *', nextAt: iso('09:30:00') },
    ])
    now = at('09:06:00')
    expect(await s.schedules.runDue()).toBe(0)

    // Version 3 has no schedule: nothing is left registered.
    const noSchedule = everyMinute()
    noSchedule.nodes = noSchedule.nodes.filter((n) => n.id !== 't')
    noSchedule.edges = noSchedule.edges.filter((e) => e.source !== 't')
    const v3 = await s.workflows.save(actor, { id, baseVersion: 2, model: noSchedule })
    await s.versions.publish(actor, id, v3.version)
    expect(await s.schedules.list(id)).toEqual([])

    // Archiving removes the schedules of the version that was live.
    await s.versions.publish(actor, id, 1)
    expect(await s.schedules.list(id)).toHaveLength(1)
    await s.workflows.archive(actor, id, true)
    expect(await s.schedules.list(id)).toEqual([])
    now = at('10:00:00')
    expect(await s.schedules.runDue()).toBe(0)
    expect(await scheduledRuns(s, id)).toEqual([])
  })

  it('two scheduler instances on one database start each occurrence once', async () => {
    target = await freshTarget(dialect)
    now = T0
    const a = await instance()
    // PostgreSQL: two pools, as two processes have. SQLite: one connection, because two in one
    // process cannot interleave transactions (better-sqlite3 blocks the thread while it waits
    // for the other's lock); separate processes each wait on their own thread.
    const b = await instance(dialect === 'postgres' ? undefined : a)
    const id = await publish(a.services)
    let started = 0
    for (let minute = 1; minute <= 5; minute++) {
      now = at(`09:0${minute}:00`)
      // Both processes (and a second pass of each) race for the same due occurrence.
      const counts = await Promise.all([
        a.services.schedules.runDue(),
        b.services.schedules.runDue(),
        a.services.schedules.runDue(),
        b.services.schedules.runDue(),
      ])
      expect(
        counts.reduce((x, y) => x + y, 0),
        `minute ${minute}`,
      ).toBe(1)
      started += 1
    }
    await b.services.queue.drain(15_000)
    const runs = await scheduledRuns(a.services, id)
    expect(runs).toHaveLength(started)
    expect(new Set(runs.map((r) => r.messageId)).size).toBe(started)
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true)
  })

  it('a repeated delivery of one occurrence (a retried queue job) returns the first run', async () => {
    target = await freshTarget(dialect)
    now = T0
    const { services: s } = await instance()
    const id = await publish(s)
    const first = await s.schedules.fire({ workflowId: id, nodeId: 't' }, at('09:01:00'))
    const again = await s.schedules.fire({ workflowId: id, nodeId: 't' }, at('09:01:00'))
    expect(first).toMatchObject({ duplicate: false })
    expect(again).toEqual({ runId: first!.runId, duplicate: true })
    expect(await timestamps(s, id)).toEqual([iso('09:01:00')])
    await s.versions.unpublish(actor, id)
    expect(await s.schedules.fire({ workflowId: id, nodeId: 't' }, at('09:02:00'))).toBeNull()
  })
})
