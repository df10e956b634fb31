import { parseCondition } from './engine'

/**
 * The decision step's condition builder, as data: one rule per outgoing edge (field, operator,
 * value) plus an "otherwise" edge. It reads and writes the notation's own form (DESIGN §4):
 * when every rule checks the same field with an operator edge labels can say, the subject is
 * that field and each label is the condition (`page`, `> 0.7`, `else`). Otherwise — rules on
 * different fields, `contains`, `exists` — the subject picks the branch name, the way the
 * seed's "Call type?" step does (`cond ? "label" : cond ? "label"`), and labels are those names.
 */
export type Operator = 'equals' | 'not-equals' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'exists'

export const OPERATORS: { value: Operator; label: string }[] = [
  { value: 'equals', label: 'equals' },
  { value: 'not-equals', label: 'does not equal' },
  { value: 'gt', label: 'is greater than (>)' },
  { value: 'gte', label: 'is at least (≥)' },
  { value: 'lt', label: 'is less than (<)' },
  { value: 'lte', label: 'is at most (≤)' },
  { value: 'contains', label: 'contains' },
  { value: 'exists', label: 'exists' },
]

export interface BranchRule {
  edgeId: string
  field: string
  operator: Operator
  /** As typed: `gold`, `0.7`, `true`. */
  value: string
}

export interface DecisionRules {
  rules: BranchRule[]
  /** The edge taken when no rule matches (its label is `else`). */
  elseEdgeId: string | null
}

interface EdgeLike {
  id: string
  label?: string
}

const LABEL_OPS: Partial<Record<Operator, string>> = {
  'not-equals': '!=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
}
const OP_OF_SYMBOL: Record<string, Operator> = {
  '==': 'equals',
  '!=': 'not-equals',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
}
const JSONATA_OPS: Partial<Record<Operator, string>> = {
  equals: '=',
  'not-equals': '!=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
}
const NUMERIC: Operator[] = ['gt', 'gte', 'lt', 'lte']

const PATH = String.raw`[A-Za-z_$][\w$]*(?:\.(?:[A-Za-z_$][\w$]*|\x60[^\x60]*\x60))*`
const STRING = String.raw`"(?:[^"\\]|\\.)*"`
const LITERAL = String.raw`${STRING}|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null`
const BARE_PATH = new RegExp(`^${PATH}$`)
const CLAUSE = new RegExp(
  String.raw`^\s*(?:\$exists\((${PATH})\)|\$contains\(\$string\((${PATH})\),\s*(${STRING})\)|(${PATH})\s*(!=|>=|<=|=|>|<)\s*(${LITERAL}))\s*\?\s*(${STRING})\s*(?::|$)`,
)
/** The label of a branch whose rule has no field yet: the empty string, which no subject names. */
const UNSET = '""'
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/** Can the builder show this decision? Null means "only as advanced (JSONata)". */
export function readRules(subject: string, edges: readonly EdgeLike[]): DecisionRules | null {
  const text = subject.trim()
  let elseEdgeId: string | null = null
  const others: EdgeLike[] = []
  for (const e of edges) {
    if ((e.label ?? '').trim().toLowerCase() === 'else' && elseEdgeId === null) elseEdgeId = e.id
    else others.push(e)
  }
  if (text === '' || BARE_PATH.test(text)) return readLabelRules(text, others, elseEdgeId)
  const clauses = readClauses(text)
  if (!clauses) return null
  const rules: BranchRule[] = []
  for (const e of others) {
    const label = (e.label ?? '').trim()
    // A branch added since (no label yet): a rule still to be filled in.
    if (label === '' || label === UNSET) {
      rules.push({ edgeId: e.id, field: '', operator: 'equals', value: '' })
      continue
    }
    const clause = clauses.get(label)
    // An edge the subject never names could never be taken: leave such a decision to JSONata.
    if (!clause) return null
    rules.push({ edgeId: e.id, ...clause })
  }
  return { rules, elseEdgeId }
}

function readLabelRules(field: string, edges: EdgeLike[], elseEdgeId: string | null): DecisionRules | null {
  const rules: BranchRule[] = []
  for (const e of edges) {
    if ((e.label ?? '').trim() === '') {
      rules.push({ edgeId: e.id, field, operator: 'equals', value: '' })
      continue
    }
    const parsed = parseCondition(e.label)
    if (!parsed.ok || parsed.condition.kind !== 'compare') return null
    const { op, value } = parsed.condition
    rules.push({
      edgeId: e.id,
      field,
      operator: OP_OF_SYMBOL[op],
      value: value === null ? 'null' : String(value),
    })
  }
  return { rules, elseEdgeId }
}

function readClauses(text: string): Map<string, Omit<BranchRule, 'edgeId'>> | null {
  const out = new Map<string, Omit<BranchRule, 'edgeId'>>()
  let rest = text
  while (rest.trim() !== '') {
    const m = CLAUSE.exec(rest)
    if (!m) return null
    const label = JSON.parse(m[7]) as string
    if (m[1]) out.set(label, { field: m[1], operator: 'exists', value: '' })
    else if (m[2]) out.set(label, { field: m[2], operator: 'contains', value: JSON.parse(m[3]) as string })
    else {
      const literal = JSON.parse(m[6]) as unknown
      const op = m[5] === '=' ? 'equals' : OP_OF_SYMBOL[m[5]]
      out.set(label, { field: m[4], operator: op, value: literal === null ? 'null' : String(literal) })
    }
    rest = rest.slice(m[0].length)
  }
  return out
}

/** The value as a JSONata literal: numbers and true/false/null as themselves, the rest quoted. */
function jsonataLiteral(value: string): string {
  const t = value.trim()
  if (NUMBER.test(t)) return String(Number(t))
  if (t === 'true' || t === 'false' || t === 'null') return t
  return JSON.stringify(value)
}

/** A label meaning "equals value": bare when the notation reads it back as that value. */
function equalityLabel(value: string): string {
  const t = value.trim()
  if (
    t === '' ||
    /^(>=|<=|!=|==|=|>|<)/.test(t) ||
    t.toLowerCase() === 'else' ||
    t !== value ||
    /^["']/.test(t)
  )
    return JSON.stringify(value)
  return t
}

/** The branch name of a rule when the subject names branches: a short sentence. */
function ruleName(rule: BranchRule): string {
  const field = rule.field.split('.').pop()?.replace(/`/g, '') || 'value'
  const op = OPERATORS.find((o) => o.value === rule.operator)?.label.replace(/ \(.*\)$/, '') ?? rule.operator
  return rule.operator === 'exists' ? `${field} exists` : `${field} ${op} ${rule.value.trim()}`
}

/** A problem with one rule that would make the decision fail or never match, or null. */
export function ruleProblem(rule: BranchRule): string | null {
  if (rule.field.trim() === '') return 'Choose a field'
  if (NUMERIC.includes(rule.operator) && !NUMBER.test(rule.value.trim())) return 'Enter a number'
  return null
}

/** The subject and every edge's label that say what the rules say. */
export function writeRules(r: DecisionRules): { subject: string; labels: Map<string, string> } {
  const labels = new Map<string, string>()
  if (r.elseEdgeId) labels.set(r.elseEdgeId, 'else')
  const fields = new Set(r.rules.map((x) => x.field.trim()))
  const labelsSay = r.rules.every((x) => x.operator !== 'contains' && x.operator !== 'exists')
  if (fields.size <= 1 && labelsSay) {
    const subject = [...fields][0] ?? ''
    for (const rule of r.rules) {
      const symbol = LABEL_OPS[rule.operator]
      labels.set(rule.edgeId, symbol ? `${symbol} ${rule.value.trim()}` : equalityLabel(rule.value))
    }
    return { subject, labels }
  }
  const used = new Set<string>(['else'])
  const clauses = r.rules.flatMap((rule) => {
    // No field chosen yet: a label the subject never gives, so the branch waits to be filled in.
    if (rule.field.trim() === '') {
      labels.set(rule.edgeId, UNSET)
      return []
    }
    let name = ruleName(rule)
    for (let n = 2; used.has(name); n++) name = `${ruleName(rule)} (${n})`
    used.add(name)
    labels.set(rule.edgeId, name)
    const field = rule.field.trim()
    const test =
      rule.operator === 'exists'
        ? `$exists(${field})`
        : rule.operator === 'contains'
          ? `$contains($string(${field}), ${JSON.stringify(rule.value)})`
          : `${field} ${JSONATA_OPS[rule.operator]} ${jsonataLiteral(rule.value)}`
    return [`${test} ? ${JSON.stringify(name)}`]
  })
  return { subject: clauses.join(' : '), labels }
}
