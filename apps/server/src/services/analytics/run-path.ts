import type { StoredEvent } from '../execution/protocol'

/**
 * What a run touched, gathered from its trace events as the run pool records them, so the
 * rollup trigger need not parse the stored trace again when the run finishes (~100 µs for a
 * 14 KB trace on SQLite, against ~2 µs here). Tokens as in 0010-analytics-rollup: `r:` reached,
 * `s:` succeeded, `f:` failed (not retried), `t:` edge taken; each once.
 *
 * Only a run executed from its first step in one go can know its whole path: a resumed one
 * (after a wait or a restart) leaves the column null and the trigger reads the stored trace.
 */
export class RunPath {
  private readonly tokens = new Set<string>()

  observe({ type, nodeId, data }: StoredEvent): void {
    if (type === 'edge.taken') {
      const edgeId = edgeIdOf(data)
      if (edgeId !== null) this.tokens.add(`t:${edgeId}`)
    } else if (nodeId === null) return
    else if (type === 'node.started') this.tokens.add(`r:${nodeId}`)
    else if (type === 'node.finished') this.tokens.add(`s:${nodeId}`)
    else if (type === 'node.failed' && !data.includes('"retryInMs":')) this.tokens.add(`f:${nodeId}`)
  }

  /** The sorted JSON array the trigger stores (the SQL fallback sorts the same way). */
  signature(): string {
    return JSON.stringify([...this.tokens].sort())
  }
}

const EDGE_ID = '"edgeId":"'

/** The edge id of an `edge.taken` event's JSON without parsing it all (ids rarely need escapes). */
function edgeIdOf(data: string): string | null {
  const at = data.indexOf(EDGE_ID)
  if (at >= 0) {
    const start = at + EDGE_ID.length
    const end = data.indexOf('"', start)
    const id = data.slice(start, end)
    if (end > start && !id.includes('\\')) return id
  }
  const parsed = JSON.parse(data) as { edgeId?: unknown }
  return typeof parsed.edgeId === 'string' ? parsed.edgeId : null
}
