import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workflow } from '../services/engine'
import {
  type ChildServer,
  createChildServer,
  deliver,
  idempotencyParts,
  pollUntil,
  type RunRow,
  showOutputOnFailure,
  signIn,
  sleep,
} from '../testing/child-server'
import { segmentEvent, trpcHttp } from '../testing/http-client'
import { type StubServer, startStubServer } from '../testing/stub-server'

/**
 * DESIGN §4 durability, waits (issue 12): a 3-day wait lives in the database, survives a
 * kill -9, and resumes exactly once when the (skewed) clock has passed it — also when the
 * server restarts again afterwards.
 */
const DAY_MS = 86_400_000
const WAIT_MS = 3 * DAY_MS
/** FLOWLINE_CLOCK_SKEW_MS: the restarted server lives 3 days and a minute later. */
const SKEW = { FLOWLINE_CLOCK_SKEW_MS: String(WAIT_MS + 60_000) }
const FINAL = ['succeeded', 'failed', 'cancelled', 'interrupted']

interface RunView {
  run: { status: string; error: string | null }
  events: { type: string; nodeId?: string; reason?: string }[]
}

function waitThenNotify(notifyUrl: string): Workflow {
  const node = (id: string, label: string, type: string, config: object, shape = 'rectangle') => ({
    id,
    group: null,
    shape,
    label,
    type,
    config,
  })
  const edge = (id: string, source: string, target: string) => ({
    id,
    source,
    sourceHandle: 'right',
    target,
    targetHandle: 'left',
  })
  return {
    title: 'Wait three days, then notify',
    description: '',
    groups: [],
    nodes: [
      node('n1', 'Start', 'start', {}, 'circle'),
      node('n2', 'Wait 3 days', 'wait', { duration: '3d' }),
      node('n3', 'Notify', 'http-request', {
        method: 'POST',
        url: notifyUrl,
        headers: {},
        body: '{"userId": event.userId}',
        timeoutMs: 5_000,
        failOnError: true,
      }),
      node('n4', 'End', 'end', {}, 'circle'),
    ],
    edges: [edge('e1', 'n1', 'n2'), edge('e2', 'n2', 'n3'), edge('e3', 'n3', 'n4')],
  } as Workflow
}

describe('a 3-day wait (sqlite)', () => {
  let server: ChildServer
  let notify: StubServer
  let workflowId: string

  beforeAll(async () => {
    notify = await startStubServer(() => ({ status: 200, body: { ok: true } }))
    server = await createChildServer({ dialect: 'sqlite' })
    await server.start()
    const cookie = await signIn(server)
    const call = <T>(path: string, input: unknown) => trpcHttp<T>(server.url, path, input, { cookie })
    const created = await call<{ id: string; version: number }>('workflows.create', {
      model: waitThenNotify(`${notify.url}/notify`),
    })
    workflowId = created.id
    await call('workflows.publish', { id: workflowId, version: created.version })
  }, 120_000)

  afterAll(async () => {
    await server?.dispose()
    await notify?.close()
  })

  const row = async (runId: string): Promise<RunRow | undefined> =>
    (await server.db.runs()).find((r) => r.id === runId)
  const view = async (runId: string) =>
    trpcHttp<RunView>(server.url, 'runs.get', { runId }, { cookie: await signIn(server), type: 'query' })
  const resumedEvents = (v: RunView) => v.events.filter((e) => e.type === 'run.resumed')

  it('survives kill -9 in the database and resumes exactly once after the clock passes it', async () => {
    showOutputOnFailure(server)
    const deliveredAt = Date.now()
    const delivery = await deliver(server, workflowId, segmentEvent('wait-1'))
    expect(delivery.status).toBe(202)
    const runId = delivery.runId!

    // The run reaches the wait: suspended in the database with its resume time.
    const suspended = await pollUntil(
      () => row(runId),
      (r) => !!r && (r.resume_at !== null || FINAL.includes(r.status)),
      15_000,
    )
    const before = suspended.value
    console.log(`long wait: before the kill the run is ${before?.status}, resume_at ${before?.resume_at}`)
    expect(before?.resume_at, 'the run never stored a resume_at').toBeTruthy()
    expect.soft(before?.status).toBe('waiting')
    expect
      .soft(Math.abs(new Date(before!.resume_at!).getTime() - (deliveredAt + WAIT_MS)))
      .toBeLessThan(60_000)
    expect(notify.requests).toHaveLength(0)

    await server.kill()
    await server.start(SKEW)
    const after = await pollUntil(
      () => row(runId),
      (r) => !!r && FINAL.includes(r.status),
      30_000,
    )
    const resumed = await view(runId)
    console.log(
      `long wait: after a restart 3 d + 1 min later the run is ${after.value?.status}` +
        `${after.timedOut ? ' (still, after 30 s)' : ''}; the stub got ${notify.requests.length} call(s); ` +
        `run.resumed ×${resumedEvents(resumed).length}`,
    )
    expect.soft(after.value?.status).toBe('succeeded')
    expect.soft(notify.requests).toHaveLength(1)
    expect.soft(idempotencyParts(notify.requests[0]?.headers['idempotency-key'])).toMatchObject({
      runId,
      nodeId: 'n3',
    })
    expect.soft(resumedEvents(resumed)).toHaveLength(1)

    // Once more: a finished run stays finished, and nothing is sent twice.
    await server.restart(SKEW)
    await sleep(3_000)
    const again = await row(runId)
    expect.soft(again?.status).toBe('succeeded')
    expect.soft(notify.requests).toHaveLength(1)
    expect.soft(resumedEvents(await view(runId))).toHaveLength(1)
  }, 120_000)
})
