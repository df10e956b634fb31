/**
 * A built-in stand-in for the recommendation API of the personalization template, so the
 * template runs end to end with no outside service (the server serves it at
 * /api/demo/recommendations). Pure and deterministic: the same user and event always get
 * the same confidence, so sample events can be picked to exercise both branches.
 */
export interface Recommendation {
  id: string
  title: string
  score: number
}

export interface RecommendationResponse {
  confidence: number
  recommendations: Recommendation[]
}

const CATALOG: Record<string, Recommendation[]> = {
  browse: [
    { id: 'sku-run-01', title: 'Cloudstride running shoe', score: 0 },
    { id: 'sku-run-02', title: 'Tempo race singlet', score: 0 },
    { id: 'sku-run-03', title: 'Reflective night jacket', score: 0 },
    { id: 'sku-run-04', title: 'Hydration vest 5L', score: 0 },
  ],
  purchase: [
    { id: 'sku-acc-01', title: 'Merino running socks', score: 0 },
    { id: 'sku-acc-02', title: 'Shoe care kit', score: 0 },
    { id: 'sku-acc-03', title: 'Spare performance insoles', score: 0 },
    { id: 'sku-acc-04', title: 'Gear bag', score: 0 },
  ],
  signup: [
    { id: 'sku-new-01', title: 'Starter bundle: shoe + socks', score: 0 },
    { id: 'sku-new-02', title: 'Beginner 5K training plan', score: 0 },
    { id: 'sku-new-03', title: 'Welcome gift card', score: 0 },
    { id: 'sku-new-04', title: 'Everyday running cap', score: 0 },
  ],
}

/** FNV-1a: small, fast and stable across platforms, which is all a demo needs. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

const round2 = (x: number) => Math.round(x * 100) / 100

/**
 * Answers `{confidence, recommendations}` for a request body like the template's n8 sends:
 * `{userId, eventType, event, intent: {kind}, limit}`. Anonymous requests get 0.5.
 */
export function recommend(request: unknown): RecommendationResponse {
  const r = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>
  const userId = typeof r.userId === 'string' ? r.userId : ''
  const intent = r.intent as { kind?: unknown } | undefined
  const kind = typeof intent?.kind === 'string' && intent.kind in CATALOG ? intent.kind : 'browse'
  const limit = typeof r.limit === 'number' && r.limit >= 1 ? Math.min(Math.floor(r.limit), 4) : 3
  const seed = hash(`${userId}|${String(r.eventType ?? '')}|${String(r.event ?? '')}`)
  const confidence = userId === '' ? 0.5 : round2(0.45 + ((seed % 1000) / 999) * 0.5)
  const recommendations = CATALOG[kind]
    .map((item, i) => ({ ...item, score: round2(0.3 + (((seed >>> (i * 4)) & 0xff) / 255) * 0.69) }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, limit)
  return { confidence, recommendations }
}
