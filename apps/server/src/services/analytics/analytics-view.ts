import { degrees, effectiveType, getNodeSpec } from '@flowline/engine'
import type { Workflow } from '../engine'
import type { PathCount, WaitingCount } from './rollup-reader'
import { type SplitGoal, splitPlans } from './split-goals'

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
  /** Per A/B split step: each variant's exposures and conversions, in total and per hour. */
  splits: Record<string, SplitResults>
}

export interface VariantResults {
  variant: string
  edgeId: string
  /** Runs that took the variant's edge. */
  exposures: number
  /** Of those, runs that reached the split's conversion step (0 without one). */
  conversions: number
  /** Hours with exposures, in order. */
  hourly: { hour: string; exposures: number; conversions: number }[]
}

export interface SplitResults {
  /** null: no step is named like a conversion and none was chosen. */
  goal: SplitGoal | null
  /** The steps downstream of the split, breadth first: the conversion step's choices. */
  steps: { nodeId: string; label: string }[]
  variants: VariantResults[]
}

const emptyNode = (): NodeCounts => ({ reached: 0, succeeded: 0, failed: 0, waiting: 0 })
const emptyRuns = (): RunsByStatus => ({ succeeded: 0, failed: 0, cancelled: 0, waiting: 0 })
const isoHour = (bucket: string) => `${bucket}:00:00.000Z`

const METRIC = { r: 'reached', s: 'succeeded', f: 'failed' } as const

/**
 * Turns rollup rows into what the canvas shows, using the model for edge sources and End nodes.
 * `goals` (split id → step id) picks each A/B split's conversion step (see splitPlans).
 */
export function analyticsView(
  model: Workflow,
  paths: PathCount[],
  waiting: WaitingCount[],
  goals?: Record<string, string>,
): AnalyticsView {
  const nodes: Record<string, NodeCounts> = {}
  const taken = new Map<string, number>()
  const runs = emptyRuns()
  const byHour = new Map<string, HourRuns>()
  const hourRow = (bucket: string) => {
    const row = byHour.get(bucket) ?? { hour: isoHour(bucket), ...emptyRuns() }
    byHour.set(bucket, row)
    return row
  }
  const plans = splitPlans(model, goals)
  // Variant edge → the conversion step of its split (null: none).
  const watched = new Map<string, string | null>()
  for (const plan of plans.values())
    for (const v of plan.variants) watched.set(v.edgeId, plan.goal?.nodeId ?? null)
  const edgeHours = new Map<string, Map<string, { exposures: number; conversions: number }>>()

  // Hours repeat the same few paths: per row only the status and A/B edges are looked at;
  // each distinct path is expanded into its steps and edges once, with its total. A path is
  // one run's tokens, so "took variant X and reached its conversion step" is exact per path.
  const totals = new Map<string[], number>()
  const variantsIn = new Map<string[], { edgeId: string; converted: boolean }[]>()
  for (const { hour, status, tokens, count } of paths) {
    if (status in runs) {
      runs[status as keyof RunsByStatus] += count
      hourRow(hour)[status as keyof RunsByStatus] += count
    }
    totals.set(tokens, (totals.get(tokens) ?? 0) + count)
    if (watched.size === 0) continue
    let variants = variantsIn.get(tokens)
    if (!variants) {
      const reached = new Set(tokens.filter((t) => t[0] === 'r').map((t) => t.slice(2)))
      variants = tokens
        .filter((t) => t[0] === 't' && watched.has(t.slice(2)))
        .map((t) => {
          const goal = watched.get(t.slice(2))
          return { edgeId: t.slice(2), converted: goal != null && reached.has(goal) }
        })
      variantsIn.set(tokens, variants)
    }
    for (const { edgeId, converted } of variants) {
      const hours = edgeHours.get(edgeId) ?? new Map<string, { exposures: number; conversions: number }>()
      const at = hours.get(hour) ?? { exposures: 0, conversions: 0 }
      at.exposures += count
      if (converted) at.conversions += count
      hours.set(hour, at)
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
  for (const [nodeId, { goal, steps, variants }] of plans)
    splits[nodeId] = {
      goal,
      steps,
      variants: variants.map((v) => {
        const hourly = [...(edgeHours.get(v.edgeId) ?? [])]
          .map(([hour, at]) => ({ hour: isoHour(hour), ...at }))
          .sort((a, b) => a.hour.localeCompare(b.hour))
        return {
          ...v,
          exposures: taken.get(v.edgeId) ?? 0,
          conversions: hourly.reduce((n, h) => n + h.conversions, 0),
          hourly,
        }
      }),
    }

  return { nodes, edges, ends, runs, series, splits }
}
