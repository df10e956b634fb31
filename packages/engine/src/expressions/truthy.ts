/** JSONata's notion of truth, so filters and assertions read like decision subjects. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null) return false
  if (Array.isArray(v)) return v.length === 1 ? truthy(v[0]) : v.some(truthy)
  if (typeof v === 'object') return Object.keys(v).length > 0
  return Boolean(v)
}
