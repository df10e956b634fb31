import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from '@playwright/test'
import { bucketOf } from '../packages/engine/src/nodes/ab-split/execute'
import { expect } from './editor-helpers'
import { trpc } from './fixtures'

/**
 * Real traffic for the analytics and branch-preview specs: the personalization template
 * published against a stub Braze, and webhook deliveries of its sample events.
 */
const samples = new URL('../packages/engine/templates/samples/personalization/', import.meta.url)
const SAMPLES = [
  'page-email',
  'page-push',
  'purchase-email',
  'purchase-push',
  'signup-email',
  'identify-push',
].map((name) => JSON.parse(readFileSync(new URL(`${name}.json`, samples), 'utf8')) as Record<string, unknown>)

type Model = { nodes: { id: string; type?: string; config?: unknown }[]; edges: { id: string }[] }

export async function ok<T>(call: Promise<{ data?: T; error?: { message: string } }>): Promise<T> {
  const r = await call
  if (r.error || r.data === undefined) throw new Error(r.error?.message ?? 'no data')
  return r.data
}

/** A Braze that answers every call with success: runs go all the way to the End node. */
export async function startStubBraze(): Promise<Server> {
  const braze = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const answer = () => {
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ message: 'success', dispatch_id: 'e2e' }))
      }
      const held = heldAnswers.get(braze)
      if (held) held.push(answer)
      else answer()
    })
  })
  await new Promise<void>((resolve) => braze.listen(0, '127.0.0.1', resolve))
  return braze
}

const heldAnswers = new WeakMap<Server, (() => void)[]>()

/** Braze stops answering until the returned release is called: runs that reach it stay in flight. */
export function holdBraze(braze: Server): () => void {
  heldAnswers.set(braze, [])
  return () => {
    for (const answer of heldAnswers.get(braze) ?? []) answer()
    heldAnswers.delete(braze)
  }
}

/** The template with its Braze steps on a connection to `braze`, saved as v2 and published. */
export const publishPersonalization = (page: Page, braze: Server, name: string) =>
  publishTemplate(page, braze, name, 'personalization')

/**
 * A template with its Braze steps on a connection to `braze` and its e-mail steps on an SMTP
 * relay (never reached in these specs), saved as v2 and published.
 */
export async function publishTemplate(
  page: Page,
  braze: Server,
  name: string,
  template: 'personalization' | 'ab-test',
): Promise<string> {
  const port = (braze.address() as AddressInfo).port
  const connection = await ok(
    trpc<{ id: string }>(page, 'connections.create', {
      name,
      type: 'braze',
      config: { restEndpoint: `http://127.0.0.1:${port}` },
      secret: 'braze-key-0123456789',
    }),
  )
  const workflowId = (await ok(trpc<{ id: string }>(page, 'workflows.create', { template }))).id
  const v1 = (
    await ok(trpc<{ version: { model: Model } }>(page, 'workflows.get', { id: workflowId }, 'query'))
  ).version.model
  const mail = v1.nodes.some((n) => n.type === 'send-email')
    ? (
        await ok(
          trpc<{ id: string }>(page, 'connections.create', {
            name: `${name} mail`,
            type: 'smtp',
            config: {
              host: 'smtp.example.com',
              port: 587,
              secure: false,
              user: 'flowline',
              from: 'hi@example.com',
            },
            secret: 'relay-password',
          }),
        )
      ).id
    : null
  const v2 = {
    ...v1,
    nodes: v1.nodes.map((n) =>
      n.type?.startsWith('braze-')
        ? { ...n, config: { ...(n.config as object), connectionId: connection.id } }
        : n.type === 'send-email'
          ? { ...n, config: { ...(n.config as object), connectionId: mail } }
          : n,
    ),
  }
  await ok(
    trpc(page, 'workflows.save', { id: workflowId, baseVersion: 1, model: v2, message: 'Connect Braze' }),
  )
  await ok(trpc(page, 'workflows.publish', { id: workflowId, version: 2 }))
  return workflowId
}

/**
 * `count` real deliveries, 20 at a time, each a different user (so both confidence branches
 * occur), then waits until the rollup counts them all as finished.
 */
export async function deliverSamples(page: Page, workflowId: string, count: number, prefix: string) {
  await postSamples(page, workflowId, count, prefix)
  await finished(page, workflowId, count)
}

/** Webhook deliveries of the sample events, each acknowledged (202); their runs may still be going. */
export async function postSamples(page: Page, workflowId: string, count: number, prefix: string) {
  for (let i = 0; i < count; i += 20) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, (_, j) => {
        const n = i + j
        const event = {
          ...SAMPLES[n % SAMPLES.length],
          userId: `${prefix}-${n}`,
          messageId: `${prefix}-m${n}`,
        }
        return page.request.post(`/api/hooks/${workflowId}`, { data: event })
      }),
    )
    for (const a of answers) expect(a.status()).toBe(202)
  }
}

/** Waits until the rollup counts `count` runs of the last hour as finished. */
async function finished(page: Page, workflowId: string, count: number) {
  const window = {
    workflowId,
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
  }
  await expect
    .poll(
      async () => {
        const a = await ok(
          trpc<{ runs: Record<string, number> }>(page, 'analytics.workflow', window, 'query'),
        )
        return a.runs.succeeded + a.runs.failed + a.runs.cancelled
      },
      { timeout: 90_000 },
    )
    .toBe(count)
}

type Variant = 'monthly' | 'annual'

/**
 * The A/B template's traffic: `users` users view the pricing page, every third of them then
 * upgrades. Each user keeps one variant (n5 hashes the userId, 50/50): the returned counts
 * are what the A/B panel must show per variant — runs through the split and upgrades.
 */
export async function deliverPricingTraffic(page: Page, workflowId: string, users: number, prefix: string) {
  const variantOf = (userId: string): Variant => (bucketOf(userId, 'n5') < 0.5 ? 'monthly' : 'annual')
  const expected = { monthly: { exposures: 0, conversions: 0 }, annual: { exposures: 0, conversions: 0 } }
  const events: Record<string, unknown>[] = []
  for (let i = 0; i < users; i++) {
    const userId = `${prefix}-${i}`
    events.push({ type: 'track', event: 'Pricing Page Viewed', userId, messageId: `${prefix}-v${i}` })
    expected[variantOf(userId)].exposures++
  }
  for (let i = 0; i < users; i += 3) {
    const userId = `${prefix}-${i}`
    events.push({
      type: 'track',
      event: 'Plan Upgraded',
      userId,
      messageId: `${prefix}-u${i}`,
      properties: { from_plan: 'free', to_plan: 'pro', billing: 'annual' },
    })
    // An upgrade passes the split too: it is one of the variant's runs.
    expected[variantOf(userId)].exposures++
    expected[variantOf(userId)].conversions++
  }
  // 20 at a time: the start filter and the runs compete for the run thread's slots (runs
  // once stayed queued for good here).
  for (let i = 0; i < events.length; i += 20) {
    const answers = await Promise.all(
      events.slice(i, i + 20).map((data) => page.request.post(`/api/hooks/${workflowId}`, { data })),
    )
    for (const a of answers) expect(a.status()).toBe(202)
  }
  await finished(page, workflowId, events.length)
  return { deliveries: events.length, expected }
}
