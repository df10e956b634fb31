import { describe, expect, it } from 'vitest'
import { runWorkflow } from '../run/executor'
import { flow, start } from '../run/fixtures'
import type { ConnectionResolver, ResolvedConnection } from './shared/connections'
import type { FetchLike } from './types'

const event = {
  type: 'track',
  event: 'Order Completed',
  userId: 'u-7',
  timestamp: '2025-03-14T11:45:00.000Z',
  properties: { total: 99.5 },
  context: { traits: { email: 'sam@example.com' } },
}
const apiKey = 'braze-secret-key-0123456789'
const connections: Record<string, ResolvedConnection> = {
  'c-braze': {
    id: 'c-braze',
    name: 'Braze EU',
    type: 'braze',
    config: { restEndpoint: 'https://rest.fra-01.braze.eu/' },
    secret: apiKey,
  },
  'c-http': {
    id: 'c-http',
    name: 'Some API',
    type: 'http',
    config: { baseUrl: 'https://api.example.com', auth: 'bearer' },
    secret: 'x-123456',
  },
}
const resolveConnection: ConnectionResolver = (id) => connections[id] ?? null
const conn = { connectionId: 'c-braze' }
const one = (type: string, config: Record<string, unknown>) =>
  flow([start('s'), { id: 'b', type, config }], ['s -> b'])

describe('Braze nodes', () => {
  it('update the profile with attributes and events (POST /users/track)', async () => {
    const r = await runWorkflow(
      one('braze-update-profile', {
        ...conn,
        attributes: {
          email: 'event.context.traits.email',
          lifetime_value: 'event.properties.total',
          missing: 'event.nope',
        },
        events: [
          { name: 'order_seen', properties: '{"total": event.properties.total}', time: 'event.timestamp' },
        ],
      }),
      { event, runId: 'r-1', resolveConnection },
    )
    expect(r.status).toBe('succeeded')
    expect(r.steps.b.request).toEqual({
      method: 'POST',
      url: 'https://rest.fra-01.braze.eu/users/track',
      headers: {
        'Content-Type': 'application/json',
        Authorization: 'Bearer ••••',
        'Idempotency-Key': 'r-1:b:1',
      },
      body: {
        attributes: [{ external_id: 'u-7', email: 'sam@example.com', lifetime_value: 99.5 }],
        events: [
          {
            external_id: 'u-7',
            name: 'order_seen',
            time: '2025-03-14T11:45:00.000Z',
            properties: { total: 99.5 },
          },
        ],
      },
    })
    expect(r.steps.b.output).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: { attributes_processed: 1, events_processed: 1, message: 'success' },
    })
    expect(JSON.stringify(r)).not.toContain(apiKey)
  })

  it('trigger a campaign for the user (POST /campaigns/trigger/send)', async () => {
    const r = await runWorkflow(
      one('braze-trigger-campaign', {
        ...conn,
        campaignId: 'camp-1',
        triggerProperties: { total: 'event.properties.total' },
      }),
      { event, runId: 'r-9', resolveConnection },
    )
    expect(r.steps.b.request?.body).toEqual({
      campaign_id: 'camp-1',
      recipients: [{ external_user_id: 'u-7', trigger_properties: { total: 99.5 } }],
    })
    expect(r.steps.b.output).toMatchObject({
      status: 201,
      body: { dispatch_id: 'dry-run-r-9-b', message: 'success' },
    })
  })

  it('send an email or a push (POST /messages/send)', async () => {
    const email = await runWorkflow(
      one('braze-send-message', {
        ...conn,
        channel: 'email',
        appId: 'app-1',
        from: 'Shop <hi@example.com>',
        subject: 'Thanks, {{ event.context.traits.email }}',
        body: '<p>Total: {{ event.properties.total }}</p>',
      }),
      { event, resolveConnection },
    )
    expect(email.steps.b.request?.url).toBe('https://rest.fra-01.braze.eu/messages/send')
    expect(email.steps.b.request?.body).toEqual({
      external_user_ids: ['u-7'],
      messages: {
        email: {
          app_id: 'app-1',
          from: 'Shop <hi@example.com>',
          subject: 'Thanks, sam@example.com',
          body: '<p>Total: 99.5</p>',
        },
      },
    })
    const push = await runWorkflow(
      one('braze-send-message', {
        ...conn,
        channel: 'push',
        title: 'Hi',
        alert: 'Total {{ event.properties.total }}',
      }),
      { event },
    )
    // Without a resolver (the CLI) a dry run records against Braze's default endpoint.
    expect(push.steps.b.request?.url).toBe('https://rest.iad-01.braze.com/messages/send')
    expect(push.steps.b.request?.body).toEqual({
      external_user_ids: ['u-7'],
      messages: {
        apple_push: { alert: { title: 'Hi', body: 'Total 99.5' } },
        android_push: { title: 'Hi', alert: 'Total 99.5' },
      },
    })
  })

  it('send for real in live runs and surface Braze errors', async () => {
    const sent: { url: string; headers: Record<string, string>; body?: string }[] = []
    const fetch: FetchLike = async (url, init) => {
      sent.push({ url, headers: init.headers, body: init.body })
      return new Response(JSON.stringify({ message: 'Invalid campaign_id' }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      })
    }
    const r = await runWorkflow(one('braze-trigger-campaign', { ...conn, campaignId: 'bad' }), {
      event,
      runId: 'r-2',
      dryRun: false,
      fetch,
      resolveConnection,
    })
    expect(sent[0].url).toBe('https://rest.fra-01.braze.eu/campaigns/trigger/send')
    expect(sent[0].headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: `Bearer ${apiKey}`,
      'Idempotency-Key': 'r-2:b:1',
    })
    expect(JSON.parse(sent[0].body!)).toEqual({
      campaign_id: 'bad',
      recipients: [{ external_user_id: 'u-7' }],
    })
    expect(r.error).toBe('b: Braze answered 400 to POST /campaigns/trigger/send: "Invalid campaign_id"')
    expect(JSON.stringify(r)).not.toContain(apiKey)
  })

  it('explain what is missing', async () => {
    const noUser = await runWorkflow(one('braze-trigger-campaign', { campaignId: 'c' }), {
      event: { type: 'track' },
    })
    expect(noUser.error).toBe('b: externalUserId must be a non-empty string or a list of them, got nothing')
    const live = { event, dryRun: false, resolveConnection }
    const noConnection = await runWorkflow(one('braze-trigger-campaign', { campaignId: 'c' }), live)
    expect(noConnection.error).toBe(
      'b: no Braze connection is selected: choose one in the step settings (connectionId)',
    )
    const gone = await runWorkflow(
      one('braze-trigger-campaign', { campaignId: 'c', connectionId: 'x' }),
      live,
    )
    expect(gone.error).toBe('b: connection "x" does not exist (deleted?): choose another one')
    const wrongType = await runWorkflow(
      one('braze-trigger-campaign', { campaignId: 'c', connectionId: 'c-http' }),
      live,
    )
    expect(wrongType.error).toBe(
      'b: connection "Some API" is a http connection; this step needs a Braze connection',
    )
    const noStore = await runWorkflow(one('braze-trigger-campaign', { ...conn, campaignId: 'c' }), {
      event,
      dryRun: false,
    })
    expect(noStore.error).toBe('b: connections are not available here, so connection "c-braze" cannot send')
    const empty = await runWorkflow(one('braze-update-profile', {}), { event })
    expect(empty.error).toBe('b: set at least one attribute or event to send to Braze')
    const noApp = await runWorkflow(
      one('braze-send-message', { channel: 'email', from: 'a', subject: 'b', body: 'c' }),
      { event },
    )
    expect(noApp.error).toBe('b: appId is empty (Braze needs it for email)')
  })
})
