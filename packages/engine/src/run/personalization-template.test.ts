import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { recommend } from '../../templates/demo-recommender'
import { applyPersonalization, DEMO_RECOMMENDER_URL } from '../../templates/personalization-config'
import {
  personalizationEvents as events,
  personalizationMocks as mocks,
} from '../../templates/personalization-samples'
import { parse } from '../dsl/parser'
import { format } from '../dsl/printer'
import type { Workflow } from '../model/schema'
import type { FetchLike } from '../nodes/types'
import { validate } from '../validate/validate'
import { runWorkflow } from './executor'
import { runTestCases } from './test-cases'
import type { RunResult } from './types'

const templateUrl = new URL('../../templates/personalization.flow', import.meta.url)
const source = readFileSync(templateUrl, 'utf8')
const template = parse(source, { file: 'personalization.flow' }).workflow as Workflow
const seed = parse(readFileSync(new URL('../dsl/fixtures/seed.flow', import.meta.url), 'utf8'))
  .workflow as Workflow

const finished = (r: RunResult) =>
  r.events!.filter((e) => e.type === 'node.finished').map((e) => (e as { nodeId: string }).nodeId)
const started = (r: RunResult) =>
  new Set(r.events!.filter((e) => e.type === 'node.started').map((e) => (e as { nodeId: string }).nodeId))

describe('templates/personalization.flow', () => {
  it('parses and validates without errors or warnings', () => {
    expect(parse(source).diagnostics).toEqual([])
    expect(validate(template)).toEqual([])
  })

  it("keeps the seed's ids, shapes, labels, groups and edges exactly", () => {
    expect(template.groups).toEqual(seed.groups)
    expect(template.edges).toEqual(seed.edges)
    expect(template.nodes.map(({ id, group, shape, label }) => ({ id, group, shape, label }))).toEqual(
      seed.nodes,
    )
    expect(template.nodes.every((n) => n.type !== undefined && n.config !== undefined)).toBe(true)
  })

  it('is canonical and in sync with personalization-config.ts (run generate.ts after changing it)', () => {
    expect(format(template)).toBe(source)
    expect(format(applyPersonalization(seed))).toBe(source)
  })

  it('page view, confident prediction, push: the path of the issue', async () => {
    const r = await runWorkflow(template, {
      event: events['page-push'],
      mocks: { n8: mocks['n8-confident'] },
    })
    expect(r.status).toBe('succeeded')
    expect(finished(r)).toEqual([
      'n1',
      'n2',
      'n3',
      'n4',
      'n5',
      'n8',
      'n9',
      'n10',
      'n11',
      'n13',
      'n14',
      'n15',
      'n16',
      'n17',
      'n19',
      'n20',
    ])
    for (const id of ['n6', 'n7', 'n12', 'n18']) expect(started(r).has(id), id).toBe(false)
    const userId = events['page-push'].userId
    for (const id of ['n15', 'n16', 'n19']) {
      expect(r.steps[id].request, id).toBeDefined()
      expect(JSON.stringify(r.steps[id].request?.body), id).toContain(`"${userId}"`)
    }
    expect(r.steps.n15.request?.body).toMatchObject({
      attributes: [{ external_id: userId }],
      events: [{ external_id: userId }],
    })
    expect(r.steps.n16.request?.body).toMatchObject({ recipients: [{ external_user_id: userId }] })
    expect(r.steps.n19.request).toMatchObject({
      url: 'https://rest.iad-01.braze.com/messages/send',
      body: {
        external_user_ids: [userId],
        messages: { apple_push: { alert: { title: 'Maya, Picked for you' } } },
      },
    })
  })

  it('takes the default branch at a confidence of exactly 0.7', async () => {
    const r = await runWorkflow(template, {
      event: events['page-push'],
      mocks: { n8: mocks['n8-threshold'] },
    })
    expect(r.steps.n12.status).toBe('succeeded')
    expect(started(r).has('n11')).toBe(false)
    expect(r.vars.content).toMatchObject({ source: 'default' })
  })

  it('maps Segment events to page, purchase and signup', async () => {
    const branch = async (event: unknown) =>
      (await runWorkflow(template, { event, mocks: { n8: mocks['n8-unsure'] }, recordEvents: false })).steps
        .n4.output
    expect(await branch(events['page-email'])).toBe('page')
    expect(await branch(events['purchase-push'])).toBe('purchase')
    expect(await branch(events['signup-email'])).toBe('signup')
    expect(await branch(events['identify-push'])).toBe('signup')
  })

  it('fails an event no branch takes, naming n4 and the value', async () => {
    const screen = await runWorkflow(template, {
      event: events['screen-unmatched'],
      mocks: { n8: mocks['n8-confident'] },
    })
    expect(screen.status).toBe('failed')
    expect(screen.error).toMatch(/^n4: no branch matches value "screen"/)
    const viewed = await runWorkflow(template, {
      event: { ...events['purchase-email'], event: 'Product Viewed' },
    })
    expect(viewed.error).toMatch(/^n4: no branch matches value "Product Viewed"/)
  })

  it('passes its own test cases, which cover every branch', async () => {
    const results = await runTestCases(template)
    expect(results.map((t) => [t.name, t.failures])).toEqual((template.tests ?? []).map((t) => [t.name, []]))
    const ran = new Set(
      results.flatMap((t) =>
        Object.entries(t.result.steps)
          .filter(([, s]) => s.status === 'succeeded')
          .map(([id]) => id),
      ),
    )
    for (let i = 1; i <= 20; i++) expect(ran.has(`n${i}`), `n${i}`).toBe(true)
  })

  it('ships the sample events and mocks as files beside it', () => {
    for (const [name, value] of Object.entries({ ...events, ...mocks })) {
      const file = new URL(`../../templates/samples/personalization/${name}.json`, import.meta.url)
      expect(JSON.parse(readFileSync(file, 'utf8')), name).toEqual(value)
    }
  })

  it('really asks the recommendation API when n8 is not mocked (it only reads)', async () => {
    const calls: { url: string; body: unknown }[] = []
    const fetch: FetchLike = async (url, init) => {
      const body = JSON.parse(init.body ?? '{}')
      calls.push({ url, body })
      return new Response(JSON.stringify(recommend(body)), {
        headers: { 'content-type': 'application/json' },
      })
    }
    const r = await runWorkflow(template, { event: events['purchase-email'], fetch })
    expect(r.status).toBe('succeeded')
    expect(calls).toEqual([
      {
        url: DEMO_RECOMMENDER_URL,
        body: {
          userId: 'user-5003',
          eventType: 'track',
          event: 'Order Completed',
          intent: {
            kind: 'purchase',
            orderId: 'ord-10482',
            total: 164.9,
            currency: 'EUR',
            productIds: ['sku-run-01', 'sku-acc-01'],
          },
          limit: 3,
        },
      },
    ])
    expect(r.steps.n8.output).toMatchObject({ status: 200, body: recommend(calls[0].body) })
  })
})

describe('demo recommender', () => {
  it('answers deterministically in the API shape', () => {
    const a = recommend({ userId: 'user-1', eventType: 'page', event: 'Home', intent: { kind: 'browse' } })
    expect(
      recommend({ userId: 'user-1', eventType: 'page', event: 'Home', intent: { kind: 'browse' } }),
    ).toEqual(a)
    expect(a.recommendations).toHaveLength(3)
    for (const rec of a.recommendations) expect(Object.keys(rec).sort()).toEqual(['id', 'score', 'title'])
    expect(a.recommendations.map((x) => x.score)).toEqual(
      [...a.recommendations.map((x) => x.score)].sort((x, y) => y - x),
    )
    expect(recommend(null)).toMatchObject({ confidence: 0.5 })
  })

  it('spreads confidence over both sides of the 0.7 threshold', () => {
    const scores = Array.from(
      { length: 200 },
      (_, i) => recommend({ userId: `user-${i}`, eventType: 'page' }).confidence,
    )
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0.45)
    expect(Math.max(...scores)).toBeLessThanOrEqual(0.95)
    expect(scores.filter((s) => s > 0.7).length).toBeGreaterThan(40)
    expect(scores.filter((s) => s <= 0.7).length).toBeGreaterThan(40)
  })
})
