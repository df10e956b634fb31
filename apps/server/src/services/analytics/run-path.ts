import type { TraceEvent } from '../engine'

/**
 * What a run touched, gathered from its trace events on the run thread as the engine emits
 * them, so the rollup trigger need not parse the stored trace again when the run finishes
 * (~100 µs for a 14 KB trace on SQLite, against ~2 µs here). Tokens as in
 * 0010-analytics-rollup: `r:` reached, `s:` succeeded, `f:` failed (not retried), `t:` edge
 * taken; each once.
 *
 * Only a run executed from its first step in one go can know its whole path: a resumed one
 * (after a wait or a restart) leaves the column null and the trigger reads the stored trace.
 */
export class RunPath {
  private readonly tokens = new Set<string>()

  observe(event: TraceEvent): void {
    if (event.type === 'edge.taken') this.tokens.add(`t:${event.edgeId}`)
    else if (event.type === 'node.started') this.tokens.add(`r:${event.nodeId}`)
    else if (event.type === 'node.finished') this.tokens.add(`s:${event.nodeId}`)
    else if (event.type === 'node.failed' && event.retryInMs === undefined)
      this.tokens.add(`f:${event.nodeId}`)
  }

  /** The sorted JSON array the trigger stores (the SQL fallback sorts the same way). */
  signature(): string {
    return JSON.stringify([...this.tokens].sort())
  }
}
