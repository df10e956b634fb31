import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workflow } from '../services/engine'
import { dialects } from '../testing/databases'
import { loginCookie, startTestServer } from '../testing/harness'
import { trpcHttp } from '../testing/http-client'
import { oneStep, passThrough, type RunView, sampleEvent, snapshot } from './attack-kit'

/**
 * Hostile expressions (DESIGN §4 isolation) in runs on a real server with its run threads:
 * each must fail its run with a message, within seconds, while /healthz keeps answering
 * fast and a harmless run started alongside succeeds.
 */
type Server = Awaited<ReturnType<typeof startTestServer>>

const HOSTILE: [string, string, RegExp][] = [
  [
    'catastrophic regex',
    '$contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a|a)*$/)',
    /took longer than 1 s/,
  ],
  ['unbounded recursion', '($f := function($n){ $f($n + 1) + 1 }; $f(0))', /Stack overflow/],
  [
    'endless tail recursion',
    '($f := function($n){ $f($n + 1) }; $f(0))',
    // JSONata's own 1 s timeout, or the step watchdog's when a loaded machine lets it fire first.
    /Evaluation timeout after 1000 milliseconds|took longer than 1 s/,
  ],
  ['a billion-character pad', '$pad("x", 1000000000)', /\$pad width 1000000000 is over the limit/],
  [
    'string doubling',
    '($d := function($s, $n){ $n = 0 ? $s : $d($s & $s, $n - 1) }; $d("x", 64))',
    /a string grew past 1,000,000 characters/,
  ],
  ['a ten-million-item range', '$count([1..10000000])', /maximum sequence length/],
  [
    'an array bomb',
    '$count($map([1..100000], function($v){ [1..100000] }))',
    /timeout|took longer|sequence|grew past/i,
  ],
]

describe.each(dialects)('hostile expressions (%s)', (dialect) => {
  let server: Server
  let cookie: string
  const call = <T>(path: string, input: unknown, type?: 'query') =>
    trpcHttp<T>(server.url, path, input, { cookie, type })

  async function finished(runId: string, withinMs: number): Promise<RunView> {
    const deadline = Date.now() + withinMs
    while (Date.now() < deadline) {
      const view = await call<RunView>('runs.get', { runId }, 'query')
      if (!['queued', 'running', 'waiting'].includes(view.run.status)) return view
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error(`run ${runId} still going after ${withinMs} ms`)
  }

  async function healthMs(): Promise<number> {
    const t0 = performance.now()
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) })
    expect(res.status).toBe(200)
    return performance.now() - t0
  }

  beforeAll(async () => {
    server = await startTestServer(dialect)
    cookie = await loginCookie(server.url)
  })
  afterAll(() => server.close())

  it.each(HOSTILE)(
    '%s fails its run with a message; the server stays responsive',
    async (_name, expression, reason) => {
      const hostile = oneStep('transform', { vars: { x: expression } }, 'Hostile')
      const { id } = await call<{ id: string }>('workflows.create', { model: hostile })
      const { id: harmlessId } = await call<{ id: string }>('workflows.create', { model: passThrough })
      const before = await snapshot(server.db, ['workflows', 'workflow_versions', 'data_store'])
      const { runId } = await call<{ runId: string }>('runs.start', { workflowId: id, event: sampleEvent })
      const { runId: harmless } = await call<{ runId: string }>('runs.start', {
        workflowId: harmlessId,
        event: sampleEvent,
      })
      const latencies: number[] = []
      for (let i = 0; i < 5; i++) latencies.push(await healthMs())
      const view = await finished(runId, 15_000)
      expect(view.run.status).toBe('failed')
      expect(view.run.error).toMatch(reason)
      expect((await finished(harmless, 15_000)).run.status).toBe('succeeded')
      expect(Math.max(...latencies)).toBeLessThan(1_000)
      expect(await snapshot(server.db, ['workflows', 'workflow_versions', 'data_store'])).toBe(before)
    },
  )

  it('a catastrophic regex in a trigger filter does not hang webhook deliveries', async () => {
    const model: Workflow = {
      ...passThrough,
      nodes: passThrough.nodes.map((n) =>
        n.id === 's'
          ? { ...n, config: { filter: '$contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a|a)*$/)' } }
          : n,
      ),
    }
    const { id } = await call<{ id: string }>('workflows.create', { model })
    await call('workflows.publish', { id, version: 1 })
    const t0 = performance.now()
    const res = await fetch(`${server.url}/api/hooks/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sampleEvent),
      signal: AbortSignal.timeout(15_000),
    })
    expect(performance.now() - t0).toBeLessThan(10_000)
    // The filter could not decide within the step limit: the event is let in, and its run says why.
    expect(res.status).toBe(202)
    const { runId } = (await res.json()) as { runId: string }
    const view = await finished(runId, 15_000)
    expect(view.run.status).toBe('failed')
    expect(view.run.error).toMatch(/took longer than 1 s/)
    expect(await healthMs()).toBeLessThan(1_000)
  })
})
