import { degrees, effectiveType, getNodeSpec } from '@flowline/engine'
import type { Workflow } from '../engine'
import type { PathCount, WaitingCount } from './rollup-reader'

export interface NodeCounts {
  reached: number
  succeeded: number
  failed: number
  /** Runs waiting at this step now (of those started in the window). */
  waiting: number
}

export interface EdgeCounts {
  /** Runs that took the edge. */
  count: number
  /**
   * The edge's share of the runs that left its source: of the branch taken for steps that
   * pick one branch (decisions, A/B splits, waits), of the runs the step finished otherwise
   * (every edge of a fan-out carries them all). null: no run left the source.
   */
  share: number | null
  /** The source picks one branch: its edges split the runs between them. */
  branch: boolean
}

export interface RunsByStatus {
  succeeded: number
  failed: number
  cancelled: number
  waiting: number
}

export interface HourRuns extends RunsByStatus {
  /** ISO hour 'YYYY-MM-DDTHH:00:00.000Z'. */
  hour: string
}

export interface AnalyticsView {
  nodes: Record<string, NodeCounts>
  edges: Record<string, EdgeCounts>
  /** End nodes' completions: runs that finished there. */
  ends: Record<string, number>
  runs: RunsByStatus
  series: HourRuns[]
  /** Per A/B split step: each variant's exposures (runs taking its edge) per hour. */
  splits: Record<
    string,
    { variant: string; edgeId: string; total: number; hourly: { hour: string; count: number }[] }[]
  >
}

const emptyNode = (): NodeCounts => ({ reached: 0, succeeded: 0, failed: 0, waiting: 0 })
const emptyRuns = (): RunsByStatus => ({ succeeded: 0, failed: 0, cancelled: 0, waiting: 0 })
const isoHour = (bucket: string) => `${bucket}:00:00.000Z`

/** A/B split steps of a model with their variant edges (edge labels are variant labels). */
export function splitEdges(model: Workflow): Map<string, { variant: string; edgeId: string }[]> {
  const deg = degrees(model)
  const out = new Map<string, { variant: string; edgeId: string }[]>()
  for (const n of model.nodes) {
    if (effectiveType(n, deg.get(n.id)) !== 'ab-split') continue
    out.set(
      n.id,
      model.edges.filter((e) => e.source === n.id).map((e) => ({ variant: e.label ?? e.id, edgeId: e.id })),
    )
  }
  return out
}

const METRIC = { r: 'reached', s: 'succeeded', f: 'failed' } as const

/** Turns rollup rows into what the canvas shows, using the model for edge sources and End nodes. */
export function analyticsView(model: Workflow, paths: PathCount[], waiting: WaitingCount[]): AnalyticsView {
  const nodes: Record<string, NodeCounts> = {}
  const taken = new Map<string, number>()
  const runs = emptyRuns()
  const byHour = new Map<string, HourRuns>()
  const hourRow = (bucket: string) => {
    const row = byHour.get(bucket) ?? { hour: isoHour(bucket), ...emptyRuns() }
    byHour.set(bucket, row)
    return row
  }
  const variantEdges = splitEdges(model)
  const watched = new Set([...variantEdges.values()].flat().map((v) => v.edgeId))
  const edgeHours = new Map<string, Map<string, number>>()

  // Hours repeat the same few paths: per row only the status and A/B edges are looked at;
  // each distinct path is expanded into its steps and edges once, with its total.
  const totals = new Map<string[], number>()
  const variantsIn = new Map<string[], string[]>()
  for (const { hour, status, tokens, count } of paths) {
    if (status in runs) {
      runs[status as keyof RunsByStatus] += count
      hourRow(hour)[status as keyof RunsByStatus] += count
    }
    totals.set(tokens, (totals.get(tokens) ?? 0) + count)
    if (watched.size === 0) continue
    let variants = variantsIn.get(tokens)
    if (!variants) {
      variants = tokens.filter((t) => t[0] === 't' && watched.has(t.slice(2))).map((t) => t.slice(2))
      variantsIn.set(tokens, variants)
    }
    for (const edgeId of variants) {
      const hours = edgeHours.get(edgeId) ?? new Map<string, number>()
      hours.set(hour, (hours.get(hour) ?? 0) + count)
      edgeHours.set(edgeId, hours)
    }
  }
  for (const [tokens, count] of totals) {
    for (const token of tokens) {
      const item = token.slice(2)
      if (token[0] === 't') taken.set(item, (taken.get(item) ?? 0) + count)
      else {
        const metric = METRIC[token[0] as keyof typeof METRIC]
        if (!metric) continue
        nodes[item] ??= emptyNode()
        nodes[item][metric] += count
      }
    }
  }
  for (const { hour, nodeId, count } of waiting) {
    nodes[nodeId] ??= emptyNode()
    nodes[nodeId].waiting += count
    runs.waiting += count
    hourRow(hour).waiting += count
  }

  const deg = degrees(model)
  const picksOne = new Set(
    model.nodes
      .filter((n) => getNodeSpec(effectiveType(n, deg.get(n.id)))?.routing === 'one')
      .map((n) => n.id),
  )
  const leftFrom = new Map<string, number>()
  for (const e of model.edges) {
    const c = taken.get(e.id) ?? 0
    const prev = leftFrom.get(e.source) ?? 0
    leftFrom.set(
      e.source,
      picksOne.has(e.source) ? prev + c : Math.max(prev, c, nodes[e.source]?.succeeded ?? 0),
    )
  }
  const edges: Record<string, EdgeCounts> = {}
  for (const e of model.edges) {
    const count = taken.get(e.id) ?? 0
    const base = leftFrom.get(e.source) ?? 0
    edges[e.id] = { count, share: base > 0 ? count / base : null, branch: picksOne.has(e.source) }
  }

  const ends: Record<string, number> = {}
  for (const n of model.nodes)
    if (effectiveType(n, deg.get(n.id)) === 'end') ends[n.id] = nodes[n.id]?.succeeded ?? 0

  const series = [...byHour.values()].sort((a, b) => a.hour.localeCompare(b.hour))
  const splits: AnalyticsView['splits'] = {}
  for (const [nodeId, variants] of variantEdges)
    splits[nodeId] = variants.map((v) => ({
      ...v,
      total: taken.get(v.edgeId) ?? 0,
      hourly: [...(edgeHours.get(v.edgeId) ?? [])]
        .map(([hour, count]) => ({ hour: isoHour(hour), count }))
        .sort((a, b) => a.hour.localeCompare(b.hour)),
    }))

  return { nodes, edges, ends, runs, series, splits }
}
