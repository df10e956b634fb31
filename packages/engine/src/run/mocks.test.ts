import { describe, expect, it } from 'vitest'
import type { FetchLike } from '../nodes/types'
import { runWorkflow } from './executor'
import { decide, flow, pass, start, transform } from './fixtures'

const event = { type: 'page', userId: 'u-1' }
const refuse: FetchLike = () => Promise.reject(new Error('the network must not be used'))

describe('mocks', () => {
  const wf = flow(
    [
      start('s'),
      {
        id: 'api',
        type: 'http-request',
        config: { url: 'https://api.example.com/score/{{ event.userId }}' },
      },
      decide('d', 'steps.api.body.score'),
      pass('high'),
      pass('low'),
      transform('use', { score: 'steps.api.body.score' }),
    ],
    ['s -> api', 'api -> d', 'd -> high : > 0.5', 'd -> low : else', 'high -> use', 'low -> use'],
  )

  it('pin a node output instead of running it; the node still counts as run', async () => {
    const mock = { status: 200, headers: {}, body: { score: 0.9 } }
    const r = await runWorkflow(wf, { event, mocks: { api: mock }, fetch: refuse })
    expect(r.status).toBe('succeeded')
    expect(r.steps.api).toMatchObject({ status: 'succeeded', mocked: true, output: mock })
    expect(r.steps.api.request).toBeUndefined()
    expect(r.events!.find((e) => e.type === 'node.finished' && e.nodeId === 'api')).toMatchObject({
      mocked: true,
      output: mock,
    })
    expect(r.steps.high.status).toBe('succeeded')
    expect(r.vars.score).toBe(0.9)
  })

  it('can pin a decision, choosing the branch', async () => {
    const r = await runWorkflow(wf, {
      event,
      mocks: { api: { status: 200, headers: {}, body: { score: 0.9 } }, d: 0.1 },
    })
    expect(r.steps.low.status).toBe('succeeded')
    expect(r.steps.high.status).toBe('skipped')
  })

  it('lets a read-only call really run when it is not mocked', async () => {
    const fetch: FetchLike = async (url) =>
      new Response(JSON.stringify({ score: url.endsWith('/u-1') ? 0.2 : 1 }), {
        headers: { 'content-type': 'application/json' },
      })
    const r = await runWorkflow(wf, { event, fetch })
    expect(r.steps.low.status).toBe('succeeded')
    expect(r.steps.api.request).toEqual({
      method: 'GET',
      url: 'https://api.example.com/score/u-1',
      headers: {},
    })
  })
})
