/**
 * Sample Segment events for the personalization template, one per branch combination
 * (event branch × channel), written to the Segment spec: messageId, timestamp, context
 * with traits, properties or traits. `samples/personalization/*.json` is generated from
 * these (see generate.ts), so the CLI can use them: `--event …/page-push.json`.
 */
const library = { name: 'analytics.js', version: '5.2.0' }
const userAgent =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'

function context(traits: Record<string, unknown>, page?: Record<string, unknown>) {
  return { ip: '203.0.113.24', library, locale: 'en-US', userAgent, traits, ...(page ? { page } : {}) }
}

export const personalizationEvents = {
  'page-push': {
    type: 'page',
    name: 'Trail running shoes',
    properties: {
      title: 'Trail running shoes | Flowline Shop',
      url: 'https://shop.example.com/c/trail-running',
      path: '/c/trail-running',
      referrer: 'https://www.google.com/',
      category: 'trail-running',
    },
    context: context(
      { email: 'maya.lopez@example.com', firstName: 'Maya', preferred_channel: 'push' },
      {
        path: '/c/trail-running',
        url: 'https://shop.example.com/c/trail-running',
        title: 'Trail running shoes',
      },
    ),
    userId: 'user-5001',
    anonymousId: '5a1e9f62-6b8e-4a3e-9a21-0c5b0f2b7c11',
    messageId: 'ajs-page-7f3c2b9e8d1a4c56',
    timestamp: '2025-03-14T09:26:53.000Z',
    sentAt: '2025-03-14T09:26:53.120Z',
    channel: 'client',
    version: 2,
  },
  'page-email': {
    type: 'page',
    name: 'Road running shoes',
    properties: {
      title: 'Road running shoes | Flowline Shop',
      url: 'https://shop.example.com/c/road-running',
      path: '/c/road-running',
      category: 'road-running',
    },
    context: context({ email: 'tom.becker@example.com', firstName: 'Tom', preferred_channel: 'email' }),
    userId: 'user-5002',
    anonymousId: 'c0c7e0f4-1f0e-4c55-8a6e-0d1c2b3a4f55',
    messageId: 'ajs-page-1b2c3d4e5f60718a',
    timestamp: '2025-03-14T10:02:11.000Z',
    sentAt: '2025-03-14T10:02:11.090Z',
    channel: 'client',
    version: 2,
  },
  'purchase-email': {
    type: 'track',
    event: 'Order Completed',
    properties: {
      order_id: 'ord-10482',
      total: 164.9,
      revenue: 149.9,
      shipping: 15,
      currency: 'EUR',
      products: [
        {
          product_id: 'sku-run-01',
          sku: 'CS-42-BLU',
          name: 'Cloudstride running shoe',
          price: 139.9,
          quantity: 1,
        },
        { product_id: 'sku-acc-01', sku: 'MS-M-GRY', name: 'Merino running socks', price: 10, quantity: 1 },
      ],
    },
    context: context({ email: 'lena.schmidt@example.com', firstName: 'Lena', preferred_channel: 'email' }),
    userId: 'user-5003',
    messageId: 'ajs-track-9e8d7c6b5a493827',
    timestamp: '2025-03-14T11:45:00.000Z',
    sentAt: '2025-03-14T11:45:00.210Z',
    channel: 'server',
    version: 2,
  },
  'purchase-push': {
    type: 'track',
    event: 'Order Completed',
    properties: {
      order_id: 'ord-10483',
      total: 39.9,
      revenue: 39.9,
      currency: 'EUR',
      products: [
        { product_id: 'sku-acc-02', sku: 'SCK-01', name: 'Shoe care kit', price: 39.9, quantity: 1 },
      ],
    },
    context: context({ email: 'ravi.patel@example.com', firstName: 'Ravi', preferred_channel: 'push' }),
    userId: 'user-5004',
    messageId: 'ajs-track-0a1b2c3d4e5f6071',
    timestamp: '2025-03-14T12:10:30.000Z',
    sentAt: '2025-03-14T12:10:30.150Z',
    channel: 'server',
    version: 2,
  },
  'signup-email': {
    type: 'track',
    event: 'Signed Up',
    properties: { method: 'email', plan: 'free' },
    context: context({ email: 'noah.kim@example.com', firstName: 'Noah', preferred_channel: 'email' }),
    userId: 'user-5005',
    anonymousId: '0f5e1d7c-2b3a-4c5d-8e9f-a0b1c2d3e4f5',
    messageId: 'ajs-track-5f4e3d2c1b0a9988',
    timestamp: '2025-03-14T13:00:05.000Z',
    sentAt: '2025-03-14T13:00:05.080Z',
    channel: 'client',
    version: 2,
  },
  'identify-push': {
    type: 'identify',
    traits: {
      email: 'ines.garcia@example.com',
      firstName: 'Ines',
      lastName: 'Garcia',
      createdAt: '2025-03-14T13:20:00.000Z',
      preferred_channel: 'push',
    },
    context: context({ preferred_channel: 'push' }),
    userId: 'user-5006',
    anonymousId: '7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
    messageId: 'ajs-identify-6a5b4c3d2e1f0a9b',
    timestamp: '2025-03-14T13:20:00.000Z',
    sentAt: '2025-03-14T13:20:00.060Z',
    channel: 'client',
    version: 2,
  },
  /** No branch of n4 takes screen calls: the run fails naming n4 and the value. */
  'screen-unmatched': {
    type: 'screen',
    name: 'Home',
    properties: { variation: 'blue' },
    context: context({ preferred_channel: 'push' }),
    userId: 'user-5007',
    messageId: 'ajs-screen-3c2b1a0f9e8d7c6b',
    timestamp: '2025-03-14T14:00:00.000Z',
    channel: 'mobile',
    version: 2,
  },
}

const recommendations = [
  { id: 'sku-run-02', title: 'Tempo race singlet', score: 0.91 },
  { id: 'sku-run-01', title: 'Cloudstride running shoe', score: 0.87 },
  { id: 'sku-run-04', title: 'Hydration vest 5L', score: 0.64 },
]

/** Answers of the recommendation API (n8's output shape: {status, headers, body}). */
export const personalizationMocks = {
  'n8-confident': { status: 200, headers: {}, body: { confidence: 0.83, recommendations } },
  'n8-unsure': { status: 200, headers: {}, body: { confidence: 0.42, recommendations } },
  'n8-threshold': { status: 200, headers: {}, body: { confidence: 0.7, recommendations } },
}
