import { describe, expect, it } from 'vitest'
import { runWorkflow } from '../run/executor'
import { flow, start } from '../run/fixtures'
import type { ConnectionResolver } from './shared/connections'
import type { FetchLike } from './types'

const apiKey = 'braze-batch-key-9876543210'
const resolveConnection: ConnectionResolver = (id) =>
  id === 'c1'
    ? { id, name: 'Braze', type: 'braze', config: { restEndpoint: 'https://braze.example' }, secret: apiKey }
    : null
const users = Array.from({ length: 120 }, (_, i) => `u-${i + 1}`)
const event = { type: 'track', event: 'Segment Built', userId: 'u-0', properties: { users } }
const one = (type: string, config: Record<string, unknown>) =>
  flow([start('s'), { id: 'b', type, config: { connectionId: 'c1', ...config } }], ['s -> b'])

function recorder() {
  const calls: { url: string; headers: Record<string, string>; body: Record<string, unknown[]> }[] = []
  const fetch: FetchLike = async (url, init) => {
    const body = JSON.parse(init.body!) as Record<string, unknown[]>
    calls.push({ url, headers: init.headers, body })
    const answer = {
      message: 'success',
      attributes_processed: body.attributes?.length ?? 0,
      events_processed: body.events?.length ?? 0,
      dispatch_id: `d-${calls.length}`,
    }
    return new Response(JSON.stringify(answer), {
      status: 201,
      headers: { 'content-type': 'application/json' },
    })
  }
  return { fetch, calls }
}

describe('Braze request limits', () => {
  it('splits 120 attribute updates into /users/track calls of 75 and 45, each with its own key', async () => {
    const { fetch, calls } = recorder()
    const r = await runWorkflow(
      one('braze-update-profile', {
        externalUserId: 'event.properties.users',
        attributes: { segment: '"vip"' },
        events: [{ name: 'joined_vip' }],
      }),
      { event, runId: 'run-7', dryRun: false, fetch, resolveConnection },
    )
    expect(r.status).toBe('succeeded')
    expect(calls.map((c) => [c.body.attributes.length, c.body.events.length])).toEqual([
      [75, 75],
      [45, 45],
    ])
    expect(calls.map((c) => c.headers['Idempotency-Key'])).toEqual(['run-7:b:1', 'run-7:b:1:2'])
    expect(calls.every((c) => c.url === 'https://braze.example/users/track')).toBe(true)
    expect(calls[1].body.attributes[0]).toEqual({ external_id: 'u-76', segment: 'vip' })
    expect(r.steps.b.output).toMatchObject({
      status: 201,
      body: { message: 'success', attributes_processed: 120, events_processed: 120, batches: 2 },
    })
    expect(r.steps.b.requests).toHaveLength(2)
    expect(JSON.stringify(r)).not.toContain(apiKey)
  })

  it('records every batch in dry runs too', async () => {
    const r = await runWorkflow(
      one('braze-update-profile', { externalUserId: 'event.properties.users', attributes: { a: '1' } }),
      { event, resolveConnection },
    )
    const requests = r.steps.b.requests ?? []
    expect(requests.map((q) => (q.body as { attributes: unknown[] }).attributes.length)).toEqual([75, 45])
    expect(r.steps.b.output).toMatchObject({ body: { attributes_processed: 120, batches: 2 } })
    expect(r.events?.find((e) => e.type === 'node.finished' && e.nodeId === 'b')).toMatchObject({
      requests: expect.any(Array),
    })
  })

  it('sends campaigns and messages to at most 50 recipients per call', async () => {
    const campaign = recorder()
    const triggered = await runWorkflow(
      one('braze-trigger-campaign', { campaignId: 'camp', externalUserId: 'event.properties.users' }),
      { event, runId: 'r', dryRun: false, fetch: campaign.fetch, resolveConnection },
    )
    expect(campaign.calls.map((c) => c.body.recipients.length)).toEqual([50, 50, 20])
    expect(triggered.steps.b.output).toMatchObject({
      body: { dispatch_id: 'd-1', dispatch_ids: ['d-1', 'd-2', 'd-3'], batches: 3 },
    })
    const message = recorder()
    await runWorkflow(
      one('braze-send-message', {
        channel: 'push',
        title: 'Hi',
        alert: 'There',
        externalUserId: 'event.properties.users',
      }),
      { event, dryRun: false, fetch: message.fetch, resolveConnection },
    )
    expect(message.calls.map((c) => c.body.external_user_ids.length)).toEqual([50, 50, 20])
  })

  it('names the failing batch and what was already sent', async () => {
    let n = 0
    const fetch: FetchLike = async () => {
      n++
      return n === 1
        ? new Response('{"message":"success"}', {
            status: 201,
            headers: { 'content-type': 'application/json' },
          })
        : new Response('{"message":"Invalid attributes"}', {
            status: 400,
            headers: { 'content-type': 'application/json' },
          })
    }
    const r = await runWorkflow(
      one('braze-update-profile', { externalUserId: 'event.properties.users', attributes: { a: '1' } }),
      { event, dryRun: false, fetch, resolveConnection },
    )
    expect(r.error).toBe(
      'b: Braze answered 400 to POST /users/track (batch 2 of 2; batches 1–1 were sent): "Invalid attributes"',
    )
  })
})
