import type { TraceEvent } from '../engine'

// Strings JSON writes as they are: no quote, backslash, control or non-ASCII character.
const PLAIN = /^[\w .:>@+\-/]*$/

/**
 * A trace event as stored: its JSON without the `runId` (the row already says whose it is;
 * the id repeated in every event was about a quarter of a run's stored trace). Written field
 * by field rather than with JSON.stringify and the runId cut out after: a run's 60 events
 * are mostly a few short strings, for which this takes about a third of the CPU. Output is
 * identical to JSON.stringify minus the runId (same keys in the same order). Readers put the
 * runId back with `withRunId`.
 */
export function storedEventJson(event: TraceEvent): string {
  let out = `{"type":${JSON.stringify(event.type)}`
  for (const key in event) {
    if (key === 'type' || key === 'runId') continue
    const value = (event as unknown as Record<string, unknown>)[key]
    switch (typeof value) {
      case 'string':
        out += `,"${key}":${value.length <= 64 && PLAIN.test(value) ? `"${value}"` : JSON.stringify(value)}`
        break
      case 'number':
        out += `,"${key}":${Number.isFinite(value) ? value : 'null'}`
        break
      case 'boolean':
        out += `,"${key}":${value}`
        break
      case 'undefined':
      case 'function':
      case 'symbol':
        break
      default: {
        const json = JSON.stringify(value)
        if (json !== undefined) out += `,"${key}":${json}`
      }
    }
  }
  return `${out}}`
}

/** A stored event as the engine emitted it (older rows still hold their runId). */
export function withRunId(runId: string, stored: TraceEvent): TraceEvent {
  if (stored.runId === runId) return stored
  const { type, runId: _none, ...rest } = stored
  return { type, runId, ...rest } as TraceEvent
}
