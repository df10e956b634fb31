import type { TraceEvent } from '../engine'

// Strings JSON writes as they are: no quote, backslash, control or non-ASCII character.
const PLAIN = /^[\w .:>@+\-/]*$/

/**
 * A value's JSON as JSON.stringify writes it (undefined where it leaves a member out),
 * without a JSON.stringify call for the short plain strings and the numbers most event
 * members are: on Node 20 each call costs about a microsecond before any work.
 */
function jsonValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value.length <= 64 && PLAIN.test(value) ? `"${value}"` : JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? `${value}` : 'null'
    case 'boolean':
      return value ? 'true' : 'false'
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
    default:
      return JSON.stringify(value)
  }
}

/**
 * A trace event as stored: its JSON without the `runId` (the row already says whose it is;
 * the id repeated in every event was about a quarter of a run's stored trace). Written member
 * by member rather than stringified whole and the runId cut out after, which took almost
 * twice the CPU for a run's 60 events, most of them a few short strings (`npm run bench --
 * "run encoding"`). The same text as JSON.stringify. Readers put the runId back with
 * `withRunId`.
 */
export function storedEventJson(event: TraceEvent): string {
  let out = `{"type":"${event.type}"`
  // Members in the event's own order; their names are the engine's identifiers (nothing to escape).
  for (const key in event) {
    if (key === 'type' || key === 'runId') continue
    const json = jsonValue((event as unknown as Record<string, unknown>)[key])
    if (json !== undefined) out += `,"${key}":${json}`
  }
  return `${out}}`
}

/** A stored event as the engine emitted it (older rows still hold their runId). */
export function withRunId(runId: string, stored: TraceEvent): TraceEvent {
  if (stored.runId === runId) return stored
  const { type, runId: _none, ...rest } = stored
  return { type, runId, ...rest } as TraceEvent
}
