/** `track “Cancel Requested” · user u-7`: which Segment call started a run, at a glance. */
export function eventSummary(event: unknown): string {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return ''
  const e = event as Record<string, unknown>
  const parts: string[] = []
  if (typeof e.type === 'string') parts.push(e.type)
  if (typeof e.event === 'string') parts.push(`“${e.event}”`)
  else if (typeof e.name === 'string') parts.push(`“${e.name}”`)
  const who = e.userId ?? e.anonymousId
  if (typeof who === 'string' || typeof who === 'number') parts.push(`· user ${who}`)
  return parts.join(' ')
}
