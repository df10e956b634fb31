import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { postgresRollupSql, sqliteRollupSql } from '../../db/migrations/analytics-rollup-sql'
import { dialects } from '../../testing/databases'
import { link, step } from '../../testing/flows'
import { createTestApp, secondProcess, type TestApp } from '../../testing/harness'
import type { Workflow } from '../engine'
import { directCount, rollupCount } from './direct-count'
import { compactShards } from './shard-compaction'

const node = step
const edge = link

/** A route per event: `a` succeeds, `b` fails at a step, `c` waits for a "Go" event (3 days). */
const trafficFlow: Workflow = {
  title: 'Traffic',
  description: '',
  groups: [],
  nodes: [
    node('s', 'start', {}, 'circle'),
    node('d', 'decision', { subject: 'event.properties.route' }, 'diamond'),
    node('ok', 'transform', { vars: { done: 'true' } }),
    node('boom', 'transform', { vars: { x: '$error("boom")' } }),
    node('w', 'wait-for-event', { filter: 'event = "Go"', timeout: '3d' }, 'diamond'),
    node('endA', 'end', {}, 'circle'),
    node('endB', 'end', {}, 'circle'),
    node('kept', 'end', {}, 'circle'),
    node('lost', 'end', {}, 'circle'),
  ],
  edges: [
    edge('s', 'd'),
    edge('d', 'ok', 'a'),
    edge('d', 'boom', 'b'),
    edge('d', 'w', 'c'),
    edge('ok', 'endA'),
    edge('boom', 'endB'),
    edge('w', 'kept', 'received'),
    edge('w', 'lost', 'timeout'),
  ],
}

// A fixed seed keeps a failure reproducible (mulberry32).
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

describe.each(dialects)('analytics rollup (%s)', (dialect) => {
  let app: TestApp
  let workflowId: string
  const users: string[] = []
  const next = random(22)

  beforeEach(async () => {
    app = await createTestApp(dialect)
    workflowId = (await app.as(app.users.editor).workflows.create({ model: trafficFlow })).id
  })
  afterEach(async () => {
    await app?.close()
  })

  /** `count` webhook deliveries with random routes; returns the user ids that wait. */
  async function deliver(services: TestApp['services'], count: number) {
    for (let i = 0; i < count; i++) {
      const route = ['a', 'b', 'c'][Math.floor(next() * 3)]
      const userId = `u-${users.length}`
      users.push(userId)
      const event = { type: 'track', event: 'Visit', userId, messageId: randomUUID(), properties: { route } }
      await services.runs.acceptWebhook(workflowId, 1, event, event.messageId)
    }
  }

  async function expectRollupMatchesRuns() {
    const [expected, actual] = await Promise.all([
      directCount(app.db, workflowId),
      rollupCount(app.db, workflowId),
    ])
    expect(expected.size).toBeGreaterThan(0)
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected))
  }

  it('equals a direct count over the runs after successes, failures, waits, resumes and cancels', async () => {
    await deliver(app.services, 40)
    await app.settle()
    await expectRollupMatchesRuns()
    // Runs that went through in one go hand the trigger their path; waiting ones will not.
    const paths = await app.db.selectFrom('runs').select(['status', 'analytics_path']).execute()
    expect(paths.filter((r) => r.status === 'succeeded').every((r) => r.analytics_path)).toBe(true)
    expect(paths.filter((r) => r.status === 'waiting').every((r) => !r.analytics_path)).toBe(true)

    // Some waiting runs get their event, one is cancelled by a person: waiting counts come back down.
    const waiting = await app.db.selectFrom('runs').select('id').where('status', '=', 'waiting').execute()
    expect(waiting.length).toBeGreaterThan(2)
    for (const userId of users.filter(() => next() < 0.5))
      await app.services.waitingRuns.deliver(workflowId, { type: 'track', event: 'Go', userId })
    const stillWaiting = await app.db
      .selectFrom('runs')
      .select('id')
      .where('status', '=', 'waiting')
      .execute()
    if (stillWaiting[0]) await app.as(app.users.editor).runs.cancel({ runId: stillWaiting[0].id })
    await app.settle()
    await expectRollupMatchesRuns()

    const view = await app.as(app.users.viewer).analytics.workflow({
      workflowId,
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date().toISOString(),
    })
    const runs = await app.db.selectFrom('runs').select(['status']).where('kind', '=', 'production').execute()
    const count = (s: string) => runs.filter((r) => r.status === s).length
    expect(view.runs).toEqual({
      succeeded: count('succeeded'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      waiting: count('waiting'),
    })
    // Branch shares of the decision add up; every failure is the failing step's.
    const shares = ['d-ok', 'd-boom', 'd-w'].map((id) => view.edges[id].share ?? 0)
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1)
    expect(view.edges['d-boom'].count).toBe(view.nodes.boom.failed)
    expect(view.nodes.w.waiting).toBe(count('waiting'))
    expect(view.ends.endA).toBe(view.edges['d-ok'].count)
    expect(view.ends.kept).toBe(view.edges['w-kept'].count)
  })

  it('stays equal after the server restarts on the same database and resumes the waiting runs', async () => {
    await deliver(app.services, 30)
    await app.settle()
    // The first process stops; a second one on the same database takes over the waits.
    await app.services.waits.stop()
    app.services.pool.close()
    const second = await secondProcess(app.db)
    second.waits.start()
    try {
      await deliver(second, 20)
      for (const userId of users.filter(() => next() < 0.6))
        await second.waitingRuns.deliver(workflowId, { type: 'track', event: 'Go', userId })
      await second.queue.drain(15_000)
      await expectRollupMatchesRuns()
    } finally {
      await second.waits.stop()
      second.pool.close()
    }
  })

  it('is rebuilt from stored runs by the migration backfill', async () => {
    await deliver(app.services, 30)
    await app.settle()
    await app.db.deleteFrom('analytics_rollup').execute()
    await app.db.deleteFrom('analytics_waiting').execute()
    const { backfill } = dialect === 'postgres' ? postgresRollupSql : sqliteRollupSql
    // One connection, as in the migration: the backfill works through a temporary table.
    await app.db.transaction().execute(async (trx) => {
      for (const statement of backfill) await sql.raw(statement).execute(trx)
    })
    await expectRollupMatchesRuns()
  })

  it('keeps its counts when past hours are folded into one shard (PostgreSQL)', async () => {
    await deliver(app.services, 30)
    await app.settle()
    await compactShards(app.db, workflowId, '9999-12-31T23')
    await expectRollupMatchesRuns()
    if (dialect === 'postgres') {
      const shards = await app.db.selectFrom('analytics_rollup').select('shard').distinct().execute()
      expect(shards).toEqual([{ shard: 0 }])
    }
  })

  it('is visible to viewers only after sign-in', async () => {
    const input = { workflowId, from: new Date().toISOString(), to: new Date().toISOString() }
    await expect(app.as(null).analytics.workflow(input)).rejects.toThrow(/Sign in/)
    await expect(app.as(app.users.viewer).analytics.workflow(input)).resolves.toMatchObject({
      modelVersion: 1,
    })
  })

  it('takes conversion steps as short ids, a bounded number of them', async () => {
    const at = new Date().toISOString()
    const ask = (goals: Record<string, string>) =>
      app.as(app.users.viewer).analytics.workflow({ workflowId, from: at, to: at, goals })
    await expect(ask({ d: 'ok' })).resolves.toMatchObject({ splits: {} })
    await expect(ask({ d: '' })).rejects.toThrow()
    await expect(ask({ d: 'x'.repeat(201) })).rejects.toThrow()
    await expect(
      ask(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`s${i}`, 'ok']))),
    ).rejects.toThrow(/at most 50/)
  })
})
