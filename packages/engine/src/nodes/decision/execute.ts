import {
  type Condition,
  describeCondition,
  matchesCondition,
  parseCondition,
} from '../../expressions/conditions'
import type { WorkflowEdge } from '../../model/schema'
import { compileField, evalField, type Field } from '../shared/fields'
import { andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import type { DecisionConfig } from './spec'

interface Branch {
  label: string
  condition: Condition
}

interface PreparedDecision {
  subject: Field
  /** In edge order, without else: the first that matches is taken. */
  branches: Branch[]
  elseLabel: string | null
}

function formatValue(v: unknown): string {
  if (v === undefined) return 'undefined (the subject gave no value)'
  const json = JSON.stringify(v)
  return json.length > 200 ? `${json.slice(0, 200)}…` : json
}

function prepareBranches(outgoing: readonly WorkflowEdge[]) {
  const problems: string[] = []
  const branches: Branch[] = []
  let elseLabel: string | null = null
  for (const edge of outgoing) {
    const parsed = parseCondition(edge.label)
    if (!parsed.ok) {
      problems.push(`edge ${edge.id}: ${parsed.error}`)
      continue
    }
    const label = edge.label ?? ''
    if (parsed.condition.kind === 'else') {
      if (elseLabel !== null) problems.push('more than one "else" branch')
      elseLabel = label
    } else branches.push({ label, condition: parsed.condition })
  }
  if (outgoing.length === 0) problems.push('a decision needs outgoing branches')
  if (problems.length > 0) throw new Error(problems.join('; '))
  return { branches, elseLabel }
}

/** First matching branch in edge order, else the else edge; fails naming the value when none applies. */
function pick(p: PreparedDecision, value: unknown): string {
  for (const b of p.branches) if (matchesCondition(b.condition, value)) return b.label
  if (p.elseLabel !== null) return p.elseLabel
  const labels = p.branches.map((b) => describeCondition(b.condition))
  const list = labels.length > 0 ? ` (branches: ${labels.join(', ')})` : ''
  throw new Error(`no branch matches value ${formatValue(value)}${list}`)
}

/** The output is the subject's value; the branch is the first edge whose condition it meets. */
export const decisionExecutor: NodeExecutor<DecisionConfig, PreparedDecision> = {
  prepare: (config, _node, outgoing) => {
    if (config.subject.trim() === '') throw new Error('the decision has no subject expression to branch on')
    return { subject: compileField('subject', config.subject), ...prepareBranches(outgoing) }
  },
  execute: (p, ctx) =>
    andThen(evalField(p.subject, ctx.scope), (output) => ({ output, branch: pick(p, output) })),
  branchOf: (p, output) => pick(p, output),
}
