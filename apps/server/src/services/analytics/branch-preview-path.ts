import type { TraceEvent, Workflow } from '../engine'

/** What one run did, in the rollup's token scheme (run-path.ts) plus its outcome. */
export interface ReplayPath {
  status: string
  /** `r:`/`s:`/`f:` node and `t:` edge tokens, sorted: two paths are equal when these are. */
  tokens: string[]
}

/** The path a trace tells, folded the way the run pool folds it for the rollup. */
export function pathOfTrace(events: TraceEvent[], status: string): ReplayPath {
  const tokens = new Set<string>()
  for (const e of events) {
    if (e.type === 'edge.taken') tokens.add(`t:${e.edgeId}`)
    else if (e.type === 'node.started') tokens.add(`r:${e.nodeId}`)
    else if (e.type === 'node.finished') tokens.add(`s:${e.nodeId}`)
    else if (e.type === 'node.failed' && e.retryInMs === undefined) tokens.add(`f:${e.nodeId}`)
  }
  return { status, tokens: [...tokens].sort() }
}

export const samePath = (a: ReplayPath, b: ReplayPath): boolean =>
  a.status === b.status && a.tokens.join('\n') === b.tokens.join('\n')

/**
 * HTTP request nodes that only read (GET/HEAD, or marked `sideEffect: false` like the
 * recommendation call): in a dry run they would really be sent, so the replay pins them.
 */
export function httpReadNodes(model: Workflow): string[] {
  return model.nodes
    .filter((n) => {
      if (n.type !== 'http-request') return false
      const config = (n.config ?? {}) as { method?: string; sideEffect?: boolean }
      const method = config.method ?? 'GET'
      return (
        config.sideEffect === false ||
        (config.sideEffect === undefined && (method === 'GET' || method === 'HEAD'))
      )
    })
    .map((n) => n.id)
}

/** The outputs a production run recorded for `nodeIds` (their first finished visit), as mocks. */
export function recordedOutputs(events: TraceEvent[], nodeIds: string[]): Record<string, unknown> {
  const wanted = new Set(nodeIds)
  const mocks: Record<string, unknown> = {}
  for (const e of events) {
    if (e.type !== 'node.finished' || !wanted.has(e.nodeId) || e.nodeId in mocks) continue
    // An output too large to store whole was kept as a marker: no answer to replay.
    if ((e.output as { $truncated?: unknown } | null)?.$truncated) continue
    mocks[e.nodeId] = e.output
  }
  return mocks
}

/** A one-line description of a Segment event for the changed-events list. */
export function eventSummary(event: unknown): string {
  const e = (event ?? {}) as Record<string, unknown>
  const type = typeof e.type === 'string' ? e.type : 'event'
  const name = typeof e.event === 'string' ? e.event : typeof e.name === 'string' ? e.name : null
  const who = e.userId ?? e.anonymousId
  return [name ? `${type} "${name}"` : type, typeof who === 'string' ? who : null].filter(Boolean).join(' · ')
}
