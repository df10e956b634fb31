/**
 * Decision edge labels (DESIGN §4): a bare value means equality, `> 0.7`, `<= 0.7`,
 * `>=`, `<`, `!=` compare, `else` is the fallback. Parsed once, evaluated on a fast path
 * without JSONata.
 */
export type Comparator = '==' | '!=' | '>' | '>=' | '<' | '<='

export type Condition =
  | { kind: 'else' }
  | { kind: 'compare'; op: Comparator; value: string | number | boolean | null }

export type ConditionParse = { ok: true; condition: Condition } | { ok: false; error: string }

const OPERATOR = /^(>=|<=|!=|==|=|>|<)\s*(.*)$/s

function literal(text: string): string | number | boolean | null {
  const t = text.trim()
  if (/^"(?:[^"\\]|\\.)*"$/.test(t) || /^'(?:[^'\\]|\\.)*'$/.test(t)) return t.slice(1, -1)
  if (t === 'true') return true
  if (t === 'false') return false
  if (t === 'null') return null
  if (t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t)
  return t
}

export function parseCondition(label: string | undefined): ConditionParse {
  const text = (label ?? '').trim()
  if (text === '')
    return { ok: false, error: 'a decision branch needs a condition label (e.g. "page", "> 0.7" or "else")' }
  if (text.toLowerCase() === 'else') return { ok: true, condition: { kind: 'else' } }
  const m = OPERATOR.exec(text)
  if (!m) return { ok: true, condition: { kind: 'compare', op: '==', value: literal(text) } }
  const op = (m[1] === '=' ? '==' : m[1]) as Comparator
  const rest = m[2].trim()
  if (rest === '') return { ok: false, error: `"${text}" has no value after ${m[1]}` }
  const value = literal(rest)
  if ((op === '>' || op === '>=' || op === '<' || op === '<=') && typeof value !== 'number') {
    return { ok: false, error: `"${text}": ${op} needs a number, got "${rest}"` }
  }
  return { ok: true, condition: { kind: 'compare', op, value } }
}

function loosely(a: unknown, b: unknown): boolean {
  if (a === b) return true
  // Labels are text; subjects may be numbers or booleans: compare "5" and 5 as equal.
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b
  if (typeof a === 'string' && typeof b === 'number') return a === String(b)
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b
  return false
}

/** Does `subject` satisfy the condition? `else` never matches here; the executor falls back to it. */
export function matchesCondition(condition: Condition, subject: unknown): boolean {
  if (condition.kind === 'else') return false
  const { op, value } = condition
  switch (op) {
    case '==':
      return loosely(subject, value)
    case '!=':
      return !loosely(subject, value)
    default: {
      const n =
        typeof subject === 'number'
          ? subject
          : typeof subject === 'string' && subject.trim() !== ''
            ? Number(subject)
            : Number.NaN
      if (Number.isNaN(n) || typeof value !== 'number') return false
      if (op === '>') return n > value
      if (op === '>=') return n >= value
      if (op === '<') return n < value
      return n <= value
    }
  }
}

export function describeCondition(condition: Condition): string {
  if (condition.kind === 'else') return 'else'
  return condition.op === '=='
    ? JSON.stringify(condition.value)
    : `${condition.op} ${JSON.stringify(condition.value)}`
}
