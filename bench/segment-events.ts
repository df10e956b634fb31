/**
 * Segment events for the benchmarks: a realistic mix over the template's four paths (page
 * views, purchases, sign-ups by track and by identify), both channels, 5,000 users.
 */
let counter = 0

export function segmentEvent(prefix: string, phase: string): string {
  const n = counter++
  const user = `user-${n % 5000}`
  const base = {
    messageId: `${prefix}-${phase}-${n}`,
    userId: user,
    timestamp: new Date().toISOString(),
    context: {
      traits: {
        email: `${user}@example.com`,
        firstName: 'Sam',
        preferred_channel: n % 3 === 0 ? 'push' : 'email',
      },
    },
  }
  switch (n % 4) {
    case 0:
      return JSON.stringify({
        ...base,
        type: 'page',
        name: 'Trail running shoes',
        properties: { category: 'trail' },
      })
    case 1:
      return JSON.stringify({
        ...base,
        type: 'track',
        event: 'Order Completed',
        properties: {
          order_id: `o-${n}`,
          total: 99.5,
          currency: 'EUR',
          products: [{ product_id: 'sku-run-01' }],
        },
      })
    case 2:
      return JSON.stringify({ ...base, type: 'track', event: 'Signed Up', properties: { method: 'email' } })
    default:
      return JSON.stringify({
        ...base,
        type: 'identify',
        traits: { email: `${user}@example.com`, firstName: 'Ines' },
      })
  }
}
