import type { TestCase, Workflow } from '../src/model/schema'
import { personalizationEvents as events, personalizationMocks as mocks } from './personalization-samples'

/**
 * What the personalization template adds to the seed scenario: a type and configuration
 * per node, and test cases covering every branch. The seed's ids, shapes, labels, groups
 * and edges stay exactly as they are (DESIGN §4, Templates). generate.ts applies this to
 * the seed and prints `personalization.flow`, which is then the source of truth.
 */
export const DEMO_RECOMMENDER_URL = 'http://127.0.0.1:3000/api/demo/recommendations'

export const personalizationTitle = 'Real-time personalization'
export const personalizationDescription =
  'Make.com automation scenario for real-time personalization using Segment events, ML recommendation API, and Braze campaign delivery across email and push channels.'

type NodeConfig = { type: string; config: Record<string, unknown> }

// Credentials live in a Braze connection chosen after creating the workflow; dry test runs need none.
const braze = { connectionId: '' }

export const personalizationNodes: Record<string, NodeConfig> = {
  n1: { type: 'start', config: {} },
  n2: {
    type: 'transform',
    config: {
      vars: {
        eventType: 'event.type',
        eventName: 'event.type = "track" ? event.event : event.type = "page" ? event.name : event.type',
        userId: 'event.userId ? event.userId : event.anonymousId',
        messageId: 'event.messageId',
      },
    },
  },
  n3: {
    type: 'transform',
    config: {
      vars: {
        user: '{"id": vars.userId, "email": event.traits.email ? event.traits.email : event.context.traits.email, "firstName": event.traits.firstName ? event.traits.firstName : event.context.traits.firstName, "channel": event.context.traits.preferred_channel = "push" ? "push" : "email"}',
      },
    },
  },
  n4: {
    type: 'decision',
    config: {
      subject:
        'event.type = "page" ? "page" : event.type = "identify" ? "signup" : event.type = "track" and event.event = "Order Completed" ? "purchase" : event.type = "track" and event.event = "Signed Up" ? "signup" : event.type = "track" ? event.event : event.type',
    },
  },
  n5: {
    type: 'transform',
    config: {
      vars: {
        intent:
          '{"kind": "browse", "page": event.name, "category": event.properties.category, "url": event.properties.url}',
      },
    },
  },
  n6: {
    type: 'transform',
    config: {
      vars: {
        intent:
          '{"kind": "purchase", "orderId": event.properties.order_id, "total": event.properties.total, "currency": event.properties.currency, "productIds": [event.properties.products.product_id]}',
      },
    },
  },
  n7: {
    type: 'transform',
    config: {
      vars: {
        intent:
          '{"kind": "signup", "method": event.type = "identify" ? "identify" : event.properties.method}',
      },
    },
  },
  n8: {
    type: 'http-request',
    config: {
      method: 'POST',
      url: DEMO_RECOMMENDER_URL,
      headers: { Accept: 'application/json' },
      body: '{"userId": vars.user.id, "eventType": vars.eventType, "event": vars.eventName, "intent": vars.intent, "limit": 3}',
      timeoutMs: 5000,
      // A POST, but it only reads: test runs really call it unless it is mocked.
      sideEffect: false,
      failOnError: true,
    },
  },
  n9: {
    type: 'transform',
    config: {
      // The API answers best first, so the top pick is the first recommendation.
      vars: {
        confidence: 'steps.n8.body.confidence',
        recommendations: 'steps.n8.body.recommendations',
        topPick: 'steps.n8.body.recommendations[0]',
      },
    },
  },
  n10: { type: 'decision', config: { subject: 'steps.n9.confidence' } },
  n11: {
    type: 'transform',
    config: {
      vars: {
        content: '{"source": "personalized", "headline": "Picked for you", "items": vars.recommendations}',
      },
    },
  },
  n12: {
    type: 'transform',
    config: {
      vars: {
        content:
          '{"source": "default", "headline": "This week\'s bestsellers", "items": [{"id": "sku-best-01", "title": "Everyday runner", "score": 0}, {"id": "sku-best-02", "title": "Trail socks 3-pack", "score": 0}]}',
      },
    },
  },
  n13: {
    type: 'transform',
    config: {
      vars: {
        variants:
          '{"direct": {"id": "direct", "subject": vars.content.headline, "score": vars.content.source = "personalized" ? 0.8 : 0.5}, "personal": {"id": "personal", "subject": vars.user.firstName ? vars.user.firstName & ", " & vars.content.headline : vars.content.headline, "score": vars.user.firstName ? 0.9 : 0.4}}',
      },
    },
  },
  n14: {
    type: 'transform',
    config: {
      vars: {
        variant:
          'vars.variants.personal.score > vars.variants.direct.score ? vars.variants.personal : vars.variants.direct',
        item: 'vars.content.items[0]',
      },
    },
  },
  n15: {
    type: 'braze-update-profile',
    config: {
      ...braze,
      externalUserId: 'event.userId',
      attributes: {
        email: 'vars.user.email',
        first_name: 'vars.user.firstName',
        preferred_channel: 'vars.user.channel',
        last_segment_event: 'vars.eventName',
        content_source: 'vars.content.source',
      },
      events: [
        {
          name: 'personalized_content_selected',
          properties:
            '{"source": vars.content.source, "confidence": vars.confidence, "variant": vars.variant.id, "item": vars.item.id}',
          time: 'event.timestamp',
        },
      ],
    },
  },
  n16: {
    type: 'braze-trigger-campaign',
    config: {
      ...braze,
      campaignId: 'your-api-triggered-campaign-id',
      externalUserId: 'event.userId',
      triggerProperties: {
        headline: 'vars.variant.subject',
        content_source: 'vars.content.source',
        items: 'vars.content.items',
      },
    },
  },
  n17: {
    type: 'decision',
    config: { subject: 'event.context.traits.preferred_channel = "push" ? "push" : "email"' },
  },
  n18: {
    type: 'braze-send-message',
    config: {
      ...braze,
      channel: 'email',
      externalUserId: 'event.userId',
      appId: 'your-braze-app-id',
      from: 'Flowline Shop <hello@example.com>',
      subject: '{{ vars.variant.subject }}',
      body: '<h1>{{ vars.variant.subject }}</h1><p>{{ vars.item.title }}</p>',
    },
  },
  n19: {
    type: 'braze-send-message',
    config: {
      ...braze,
      channel: 'push',
      externalUserId: 'event.userId',
      title: '{{ vars.variant.subject }}',
      alert: 'Have a look: {{ vars.item.title }}',
    },
  },
  n20: { type: 'end', config: {} },
}

const all = Array.from({ length: 20 }, (_, i) => `n${i + 1}`)
const path = (ran: string[]) => ({ expectRan: ran, expectNotRan: all.filter((id) => !ran.includes(id)) })
const shared = ['n1', 'n2', 'n3', 'n4', 'n8', 'n9', 'n10', 'n13', 'n14', 'n15', 'n16', 'n17', 'n20']
const withBranches = (...ids: string[]) =>
  [...shared, ...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))

export const personalizationTests: TestCase[] = [
  {
    name: 'page view, confident prediction, push',
    event: events['page-push'],
    mocks: { n8: mocks['n8-confident'] },
    ...path(withBranches('n5', 'n11', 'n19')),
    assertions: ['vars.content.source = "personalized"', 'steps.n16.body.message = "success"'],
  },
  {
    name: 'purchase, unsure prediction, email',
    event: events['purchase-email'],
    mocks: { n8: mocks['n8-unsure'] },
    ...path(withBranches('n6', 'n12', 'n18')),
    assertions: ['vars.content.source = "default"', 'vars.intent.orderId = "ord-10482"'],
  },
  {
    name: 'signup (track), confident prediction, email',
    event: events['signup-email'],
    mocks: { n8: mocks['n8-confident'] },
    ...path(withBranches('n7', 'n11', 'n18')),
    assertions: ['vars.intent.method = "email"', 'vars.variant.id = "personal"'],
  },
  {
    name: 'signup (identify), unsure prediction, push',
    event: events['identify-push'],
    mocks: { n8: mocks['n8-unsure'] },
    ...path(withBranches('n7', 'n12', 'n19')),
    assertions: ['vars.user.email = "ines.garcia@example.com"'],
  },
  {
    name: 'confidence exactly 0.7 uses default content',
    event: events['page-email'],
    mocks: { n8: mocks['n8-threshold'] },
    ...path(withBranches('n5', 'n12', 'n18')),
    assertions: ['vars.confidence = 0.7', 'vars.content.source = "default"'],
  },
]

/**
 * Where each step sits: laid out by hand so the seed reads at the zoom it opens with (three
 * groups stacked, branches apart, every edge routable around the boxes).
 */
export const personalizationPositions: Record<string, { x: number; y: number }> = {
  n1: { x: 20, y: 54 },
  n2: { x: 116, y: 56 },
  n3: { x: 316, y: 56 },
  n4: { x: 516, y: 44 },
  n5: { x: 712, y: 56 },
  n6: { x: 502, y: 156 },
  n7: { x: 296, y: 156 },
  n8: { x: 116, y: 328 },
  n9: { x: 316, y: 328 },
  n10: { x: 516, y: 316 },
  n11: { x: 720, y: 328 },
  n12: { x: 502, y: 428 },
  n13: { x: 116, y: 588 },
  n14: { x: 316, y: 588 },
  n15: { x: 516, y: 588 },
  n16: { x: 716, y: 588 },
  n17: { x: 316, y: 676 },
  n18: { x: 520, y: 688 },
  n19: { x: 302, y: 784 },
  n20: { x: 724, y: 786 },
}

/** The seed model with the template's title, types, configuration, positions and tests applied. */
export function applyPersonalization(seed: Workflow): Workflow {
  return {
    ...seed,
    title: personalizationTitle,
    description: personalizationDescription,
    nodes: seed.nodes.map((n) => {
      const extra = personalizationNodes[n.id]
      const position = personalizationPositions[n.id]
      const placed = position ? { ...n, position } : n
      return extra ? { ...placed, type: extra.type, config: extra.config } : placed
    }),
    tests: personalizationTests,
  }
}
