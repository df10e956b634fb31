import { degrees, effectiveType } from '@flowline/engine'
import type { Workflow } from '../engine'

/** The step whose reaching counts as a conversion of an A/B split's variant. */
export interface SplitGoal {
  nodeId: string
  label: string
  /** Picked by its name (no choice was sent, or the choice is not downstream of the split). */
  auto: boolean
}

export interface SplitPlan {
  /** Variant edges (edge labels are variant labels). */
  variants: { variant: string; edgeId: string }[]
  /** Steps downstream of the split, breadth first: what a conversion step can be. */
  steps: { nodeId: string; label: string }[]
  goal: SplitGoal | null
}

const CONVERSION = /conver/i

/**
 * A/B split steps of a model: their variant edges, the steps downstream of each, and the
 * conversion step — the one chosen in `goals` (split id → step id) when it is downstream,
 * else the first downstream step (breadth first) named like a conversion — its label or an
 * incoming edge's — that some runs of the split skip.
 */
export function splitPlans(model: Workflow, goals: Record<string, string> = {}): Map<string, SplitPlan> {
  const deg = degrees(model)
  const typeOf = new Map(model.nodes.map((n) => [n.id, effectiveType(n, deg.get(n.id))]))
  const labelOf = new Map(model.nodes.map((n) => [n.id, n.label || n.id]))
  const out = new Map<string, string[]>()
  const incomingLabels = new Map<string, string[]>()
  for (const e of model.edges) {
    if (!typeOf.has(e.source) || !typeOf.has(e.target)) continue
    const next = out.get(e.source) ?? []
    next.push(e.target)
    out.set(e.source, next)
    if (!e.label) continue
    const labels = incomingLabels.get(e.target) ?? []
    labels.push(e.label)
    incomingLabels.set(e.target, labels)
  }
  const named = (id: string) =>
    CONVERSION.test(labelOf.get(id) ?? '') || (incomingLabels.get(id) ?? []).some((l) => CONVERSION.test(l))
  /**
   * Some run from `from` can finish without reaching `step`. A step every run passes (the
   * "Exposure or conversion?" question, a significance test after the split) cannot tell
   * converted runs from the rest, whatever its name.
   */
  const avoidable = (from: string, step: string) => {
    const seen = new Set([from, step])
    const queue = [from]
    for (let i = 0; i < queue.length; i++) {
      const next = out.get(queue[i]) ?? []
      if (next.length === 0) return true
      for (const id of next) {
        if (seen.has(id)) continue
        seen.add(id)
        queue.push(id)
      }
    }
    return false
  }

  const plans = new Map<string, SplitPlan>()
  for (const n of model.nodes) {
    if (typeOf.get(n.id) !== 'ab-split') continue
    const seen = new Set([n.id])
    const order: string[] = []
    for (let i = -1; i < order.length; i++) {
      for (const next of out.get(i < 0 ? n.id : order[i]) ?? []) {
        if (seen.has(next)) continue
        seen.add(next)
        order.push(next)
      }
    }
    const chosen = Object.hasOwn(goals, n.id) ? goals[n.id] : undefined
    const goalId =
      chosen && seen.has(chosen) && chosen !== n.id
        ? chosen
        : order.find((id) => named(id) && avoidable(n.id, id))
    plans.set(n.id, {
      variants: model.edges
        .filter((e) => e.source === n.id)
        .map((e) => ({ variant: e.label ?? e.id, edgeId: e.id })),
      steps: order.map((id) => ({ nodeId: id, label: labelOf.get(id) ?? id })),
      goal: goalId ? { nodeId: goalId, label: labelOf.get(goalId) ?? goalId, auto: goalId !== chosen } : null,
    })
  }
  return plans
}
