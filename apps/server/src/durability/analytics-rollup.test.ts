import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../db'
import { directCount, rollupCount } from '../services/analytics/direct-count'
import {
  type ChildServer,
  createChildServer,
  type Delivery,
  deliver,
  pollUntil,
  publishTemplate,
  showOutputOnFailure,
  signIn,
  sleep,
} from '../testing/child-server'
import { dialects } from '../testing/databases'
import { segmentEvent } from '../testing/http-client'
import { type StubServer, startStubServer } from '../testing/stub-server'

/**
 * Issue 22: the analytics rollup moves in the transaction that ends a run, so a kill -9 in
 * the middle of traffic leaves it equal to a direct count over the runs and their traces,
 * once the restarted server has finished what it resumed. Half the users prefer push, and
 * every fifth recommendation call is refused (a 400, not retried): branches and failures
 * are both counted.
 */
const DELIVERIES = 300
const KILL_AFTER = 150
const UNFINISHED = ['queued', 'running', 'waiting']

describe.each(dialects)('analytics rollup across kill -9 (%s)', (dialect) => {
  let server: ChildServer
  let braze: StubServer
  let reco: StubServer
  let workflowId: string
  let calls = 0

  beforeAll(async () => {
    // Slow enough that runs are between steps when the server dies.
    braze = await startStubServer(() => ({ status: 201, body: { message: 'success' }, delayMs: 40 }))
    reco = await startStubServer(() =>
      ++calls % 5 === 0
        ? { status: 400, body: { error: 'unknown user' }, delayMs: 10 }
        : { delayMs: 20, body: { confidence: calls % 2 ? 0.91 : 0.4, recommendations: [] } },
    )
    server = await createChildServer({ dialect })
    await server.start()
    ;({ workflowId } = await publishTemplate(server, await signIn(server), {
      brazeUrl: braze.url,
      recoUrl: reco.url,
    }))
  }, 120_000)

  afterAll(async () => {
    await server?.dispose()
    await braze?.close()
    await reco?.close()
  })

  it('equals a direct count over the runs after a kill -9 and a restart', async () => {
    showOutputOnFailure(server)
    const event = (i: number) =>
      segmentEvent(`analytics-${dialect}-${i}`, {
        context: { traits: { email: 'someone@example.com', preferred_channel: i % 2 ? 'push' : 'email' } },
      })
    const answers = new Map<number, Delivery>()
    let killed: Promise<void> | undefined
    let answered = 0
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        for (let i = w; i < DELIVERIES && !killed; i += 16) {
          const outcome = await deliver(server, workflowId, event(i))
          answers.set(i, outcome)
          if (outcome.status !== 0 && ++answered === KILL_AFTER) killed = server.kill()
          await sleep(5)
        }
      }),
    )
    await killed
    const atKill = await server.db.statusCounts()
    expect(
      UNFINISHED.reduce((n, st) => n + (atKill[st] ?? 0), 0),
      'the kill hit no run mid-flight: the test proves nothing',
    ).toBeGreaterThan(0)
    await server.start()
    // Segment redelivers whatever got no answer (a repeated messageId answers with the first run).
    for (let i = 0; i < DELIVERIES; i++)
      if (![200, 202].includes(answers.get(i)?.status ?? 0)) await deliver(server, workflowId, event(i))
    await pollUntil(
      () => server.db.statusCounts(),
      (c) => UNFINISHED.every((s) => !c[s]),
      90_000,
    )

    const { db } = await openDatabase({ dataDir: server.dataDir, databaseUrl: server.databaseUrl })
    try {
      const [expected, actual] = await Promise.all([directCount(db, workflowId), rollupCount(db, workflowId)])
      const statuses = new Set(
        [...expected.keys()].filter((k) => k.includes('|run|')).map((k) => k.split('|')[3]),
      )
      expect([...statuses].sort(), 'both successes and failures were counted').toEqual([
        'failed',
        'succeeded',
      ])
      expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected))
    } finally {
      await db.destroy()
    }
  })
})
