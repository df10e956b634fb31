import { ExpressionError } from './compile'
import {
  type ExpressionScope,
  evaluateExpression,
  isPromiseLike,
  type PreparedExpression,
  prepareExpression,
} from './evaluate'

/**
 * `{{ expr }}` string templates, used where a value is mostly literal text (URLs, header
 * values, message subjects): `https://api.example.com/users/{{ event.userId }}`.
 * Parsed and compiled once; each expression part goes through the same guarded evaluator.
 */
export type TemplatePart = string | PreparedExpression

export interface PreparedTemplate {
  text: string
  parts: TemplatePart[]
}

export function prepareTemplate(text: string): PreparedTemplate {
  const parts: TemplatePart[] = []
  let i = 0
  while (i < text.length) {
    const open = text.indexOf('{{', i)
    if (open < 0) {
      parts.push(text.slice(i))
      break
    }
    if (open > i) parts.push(text.slice(i, open))
    const close = text.indexOf('}}', open + 2)
    if (close < 0) throw new ExpressionError(`"{{" at ${open} has no closing "}}"`, text, open)
    const inner = text.slice(open + 2, close).trim()
    if (inner === '') throw new ExpressionError(`empty {{ }} at ${open}`, text, open)
    parts.push(prepareExpression(inner))
    i = close + 2
  }
  return { text, parts }
}

/** How a value reads inside text: nothing for missing values, JSON for structures. */
function stringify(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

function join(parts: TemplatePart[], values: unknown[]): string {
  let out = ''
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    out += typeof p === 'string' ? p : stringify(values[i])
  }
  return out
}

/** The rendered string, synchronously when every part takes the fast path. */
export function renderTemplate(t: PreparedTemplate, scope: ExpressionScope): string | Promise<string> {
  const { parts } = t
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0]
  const values: unknown[] = new Array(parts.length)
  let async = false
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    if (typeof p === 'string') continue
    const v = evaluateExpression(p, scope)
    if (isPromiseLike(v)) async = true
    values[i] = v
  }
  if (!async) return join(parts, values)
  return Promise.all(values).then((resolved) => join(parts, resolved))
}
