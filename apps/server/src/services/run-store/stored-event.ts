import type { TraceEvent } from '../engine'

/**
 * Trace events are stored without their `runId`: the row already says whose they are, and
 * the id repeated in every event was about a quarter of a run's stored trace (bytes written,
 * copied between threads and read back). Readers put it back with `withRunId`.
 */
export function withoutRunId(data: string, event: TraceEvent): string {
  // Events are built type first, runId second; any other shape (or an id JSON would escape,
  // which then does not match) is stored as it is.
  const head = `{"type":"${event.type}","runId":"${event.runId}",`
  return data.startsWith(head) ? `{"type":"${event.type}",${data.slice(head.length)}` : data
}

/** A stored event as the engine emitted it (older rows still hold their runId). */
export function withRunId(runId: string, stored: TraceEvent): TraceEvent {
  if (stored.runId === runId) return stored
  const { type, runId: _none, ...rest } = stored
  return { type, runId, ...rest } as TraceEvent
}
