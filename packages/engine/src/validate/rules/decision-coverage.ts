import type { Condition } from '../../expressions/conditions'
import { type BranchInfo, decisions } from '../branches'
import type { Rule } from '../context'
import { error } from '../issue'

/**
 * Exactly one branch of a decision may match (DESIGN §4), so conditions must not repeat or
 * overlap, and numeric conditions must cover every number unless there is an else.
 * Numeric conditions are intervals: sorted once and swept, O(k log k) per decision.
 */
interface Interval {
  lo: number
  loIn: boolean
  hi: number
  hiIn: boolean
  branch: BranchInfo
}

type Compare = Extract<Condition, { kind: 'compare' }>

export const decisionCoverage: Rule = (ctx, issues) => {
  const { nodes } = ctx.workflow
  for (const { node, branches } of decisions(ctx)) {
    if (trivial(branches)) continue
    const id = nodes[node].id
    const seen = new Map<string, BranchInfo>()
    const intervals: Interval[] = []
    const equal: { key: string; branch: BranchInfo }[] = []
    const notEqual: { key: string; value: number | null; branch: BranchInfo }[] = []
    let hasElse = false
    let hasRange = false
    for (const branch of branches) {
      const c = branch.condition
      if (c === null) continue
      if (c.kind === 'else') {
        hasElse = true
        continue
      }
      const key = `${c.op} ${valueKey(c.value)}`
      const first = seen.get(key)
      if (first) {
        issues.push(
          error(
            'decision-duplicate-condition',
            `decision ${id} has the condition ${show(branch)} twice (edges ${first.edge.id} and ${branch.edge.id})`,
            { nodeId: id, edgeId: branch.edge.id },
          ),
        )
        continue
      }
      seen.set(key, branch)
      const numeric = numericValue(c.value)
      if (c.op === '!=') notEqual.push({ key: valueKey(c.value), value: numeric, branch })
      else if (c.op === '==') {
        equal.push({ key: valueKey(c.value), branch })
        if (numeric !== null) intervals.push({ lo: numeric, loIn: true, hi: numeric, hiIn: true, branch })
      } else {
        hasRange = true
        intervals.push(range(c, numeric ?? Number.NaN, branch))
      }
    }
    const overlap = (a: BranchInfo, b: BranchInfo) =>
      issues.push(
        error(
          'decision-overlapping-conditions',
          `conditions ${show(a)} (edge ${a.edge.id}) and ${show(b)} (edge ${b.edge.id}) of decision ${id} overlap: a value can match both, but exactly one branch may be taken`,
          { nodeId: id, edgeId: b.edge.id },
        ),
      )
    intervals.sort((a, b) => a.lo - b.lo || (a.loIn === b.loIn ? 0 : a.loIn ? -1 : 1))
    let reach: Interval | null = null
    for (const iv of intervals) {
      if (reach && (iv.lo < reach.hi || (iv.lo === reach.hi && iv.loIn && reach.hiIn)))
        overlap(reach.branch, iv.branch)
      if (!reach || iv.hi > reach.hi || (iv.hi === reach.hi && iv.hiIn && !reach.hiIn)) reach = iv
    }
    if (notEqual.length > 1) overlap(notEqual[0].branch, notEqual[1].branch)
    if (notEqual.length > 0) {
      const ne = notEqual[0]
      for (const eq of equal) if (eq.key !== ne.key) overlap(ne.branch, eq.branch)
      for (const iv of intervals) if (iv.lo !== iv.hi) overlap(ne.branch, iv.branch)
    }
    if (hasElse || !hasRange || notEqual.some((ne) => ne.value === null)) continue
    for (const ne of notEqual) {
      const x = ne.value as number
      intervals.push({ lo: -Infinity, loIn: false, hi: x, hiIn: false, branch: ne.branch })
      intervals.push({ lo: x, loIn: false, hi: Infinity, hiIn: false, branch: ne.branch })
    }
    const gaps = findGaps(intervals)
    if (gaps.length === 0) continue
    const shown = gaps.slice(0, 3).join(', ') + (gaps.length > 3 ? ', …' : '')
    issues.push(
      error(
        'decision-numeric-gap',
        `decision ${id} has no branch for ${shown} and no else branch: add a condition or an "else" edge`,
        { nodeId: id },
      ),
    )
  }
}

/** One condition plus an else (the common shape) can neither repeat, overlap nor leave a gap. */
function trivial(branches: BranchInfo[]): boolean {
  let conditions = 0
  let elses = 0
  for (const b of branches) {
    if (b.condition === null) continue
    if (b.condition.kind === 'else') elses++
    else conditions++
  }
  return conditions <= 1 && (elses > 0 || conditions === 0)
}

function range(c: Compare, v: number, branch: BranchInfo): Interval {
  if (c.op === '>') return { lo: v, loIn: false, hi: Infinity, hiIn: false, branch }
  if (c.op === '>=') return { lo: v, loIn: true, hi: Infinity, hiIn: false, branch }
  if (c.op === '<') return { lo: -Infinity, loIn: false, hi: v, hiIn: false, branch }
  return { lo: -Infinity, loIn: false, hi: v, hiIn: true, branch }
}

/** Uncovered stretches of the number line, described for the message. */
function findGaps(intervals: Interval[]): string[] {
  intervals.sort((a, b) => a.lo - b.lo || (a.loIn === b.loIn ? 0 : a.loIn ? -1 : 1))
  const gaps: string[] = []
  let reach = -Infinity
  let reachIn = true
  for (const iv of intervals) {
    if (iv.lo > reach || (iv.lo === reach && !reachIn && !iv.loIn))
      gaps.push(describeGap(reach, !reachIn, iv.lo, !iv.loIn))
    if (iv.hi > reach) {
      reach = iv.hi
      reachIn = iv.hiIn
    } else if (iv.hi === reach) reachIn ||= iv.hiIn
  }
  if (reach !== Infinity) gaps.push(describeGap(reach, !reachIn, Infinity, false))
  return gaps
}

function describeGap(from: number, fromIn: boolean, to: number, toIn: boolean): string {
  if (from === -Infinity) return `values ${toIn ? '<=' : '<'} ${to}`
  if (to === Infinity) return `values ${fromIn ? '>=' : '>'} ${from}`
  if (from === to) return `the value ${from}`
  return `values in ${fromIn ? '[' : '('}${from}, ${to}${toIn ? ']' : ')'}`
}

/** Subjects compare loosely ("5" equals 5, "true" equals true), so equal keys mean equal conditions. */
function valueKey(value: Compare['value']): string {
  const n = numericValue(value)
  if (n !== null) return `n:${n}`
  if (typeof value === 'boolean' || value === 'true' || value === 'false') return `b:${String(value)}`
  return value === null ? 'null' : `s:${value}`
}

function numericValue(value: Compare['value']): number | null {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value.trim() !== '' && String(Number(value)) === value)
    return Number(value)
  return null
}

function show(branch: BranchInfo): string {
  return JSON.stringify(branch.edge.label?.trim() ?? '')
}
