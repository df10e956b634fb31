/**
 * A synchronous evaluator for the small subset of JSONata that workflow configs use most:
 * field paths (`event.userId`, `items[0].title`), literals, `= != < <= > >= and or & + - * / %`, `? :`,
 * object and array constructors. JSONata's own evaluator is fully async and costs
 * 3–30 µs per call; this subset costs well under 1 µs, which is what lets a whole run
 * finish in tens of microseconds.
 *
 * It must agree with JSONata exactly. Anything it cannot decide with certainty (arrays
 * in the middle of paths, which JSONata maps and flattens; mixed-type comparisons, which JSONata turns
 * into errors; number-to-string conversion) returns BAIL, and the caller re-evaluates the
 * expression with JSONata. Evaluation is pure, so running it twice is safe.
 */
export const BAIL: unique symbol = Symbol('bail')
export type FastFn = (root: unknown) => unknown

type Ast = Record<string, unknown> & { type: string; value?: unknown }

const has = Object.prototype.hasOwnProperty

function onlyKeys(node: Ast, allowed: readonly string[]): boolean {
  for (const key of Object.keys(node)) if (!allowed.includes(key)) return false
  return true
}

const LITERAL_KEYS = ['type', 'value', 'position'] as const
const PATH_KEYS = ['type', 'steps', 'position'] as const
const BINARY_KEYS = ['type', 'value', 'position', 'lhs', 'rhs'] as const
const CONDITION_KEYS = ['type', 'position', 'condition', 'then', 'else'] as const
const BLOCK_KEYS = ['type', 'position', 'expressions'] as const
const OBJECT_KEYS = ['type', 'value', 'position', 'lhs'] as const
const ARRAY_KEYS = ['type', 'value', 'position', 'expressions', 'consarray'] as const
const NEGATE_KEYS = ['type', 'value', 'position', 'expression'] as const

/** JSONata's effective boolean value (fn.boolean, with undefined → false as in boolize). */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null) return false
  if (typeof v === 'boolean') return v
  if (typeof v === 'string') return v.length > 0
  if (typeof v === 'number') return v !== 0
  if (Array.isArray(v)) return v.length === 1 ? truthy(v[0]) : v.some(truthy)
  if (typeof v === 'object') return Object.keys(v).length > 0
  return false
}

/** JSONata's isDeepEqual. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  const ak = Object.getOwnPropertyNames(a).sort()
  const bk = Object.getOwnPropertyNames(b).sort()
  if (ak.length !== bk.length) return false
  for (let i = 0; i < ak.length; i++) if (ak[i] !== bk[i]) return false
  for (const k of ak)
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  return true
}

const STEP_KEYS = ['type', 'value', 'position', 'stages'] as const

/** A `[n]` stage with a literal number, or null; undefined when the stages are anything else. */
function literalIndex(step: Ast): number | null | undefined {
  if (step.stages === undefined) return null
  const stages = step.stages as Ast[]
  if (!Array.isArray(stages) || stages.length !== 1) return undefined
  const [stage] = stages
  const expr = stage.expr as Ast | undefined
  if (stage.type !== 'filter' || !onlyKeys(stage, ['type', 'expr', 'position'])) return undefined
  if (expr?.type !== 'number' || !onlyKeys(expr, LITERAL_KEYS)) return undefined
  return Math.floor(expr.value as number)
}

function compilePath(node: Ast): FastFn | null {
  if (!onlyKeys(node, PATH_KEYS) || !Array.isArray(node.steps)) return null
  const names: string[] = []
  const indexes: (number | null)[] = []
  for (const step of node.steps as Ast[]) {
    if (step.type !== 'name' || !onlyKeys(step, STEP_KEYS) || typeof step.value !== 'string') return null
    const index = literalIndex(step)
    if (index === undefined) return null
    names.push(step.value)
    indexes.push(index)
  }
  const n = names.length
  return (root) => {
    let v = root
    for (let i = 0; i < n; i++) {
      if (v === null || typeof v !== 'object') return undefined
      // JSONata maps a path over arrays and flattens the results: leave that to it.
      if (Array.isArray(v)) return BAIL
      const name = names[i]
      v = has.call(v, name) ? (v as Record<string, unknown>)[name] : undefined
      const index = indexes[i]
      if (index === null || v === undefined) continue
      if (Array.isArray(v)) {
        if ((v as { sequence?: boolean }).sequence) return BAIL
        v = v[index < 0 ? v.length + index : index]
        // A selected item that is itself an array is returned or flattened depending on position.
        if (Array.isArray(v)) return BAIL
      } else if (index !== 0 && index !== -1) {
        // JSONata treats a single value as a one-item sequence.
        return undefined
      }
    }
    // JSONata hands back an array found at the last step as it is, unless it is one of its
    // own sequences (which it flattens and unwraps); stored values are never sequences
    // (see normalize in evaluate.ts), but be exact anyway.
    if (typeof v === 'function' || (Array.isArray(v) && (v as { sequence?: boolean }).sequence)) return BAIL
    return v
  }
}

function compileBinary(node: Ast): FastFn | null {
  if (!onlyKeys(node, BINARY_KEYS)) return null
  const l = compileFast(node.lhs as Ast)
  const r = compileFast(node.rhs as Ast)
  if (!l || !r) return null
  switch (node.value) {
    case 'and':
      return (root) => {
        const a = l(root)
        if (a === BAIL) return BAIL
        if (!truthy(a)) return false
        const b = r(root)
        return b === BAIL ? BAIL : truthy(b)
      }
    case 'or':
      return (root) => {
        const a = l(root)
        if (a === BAIL) return BAIL
        if (truthy(a)) return true
        const b = r(root)
        return b === BAIL ? BAIL : truthy(b)
      }
    case '=':
    case '!=': {
      const negate = node.value === '!='
      return (root) => {
        const a = l(root)
        if (a === BAIL) return BAIL
        const b = r(root)
        if (b === BAIL) return BAIL
        if (a === undefined || b === undefined) return false
        return deepEqual(a, b) !== negate
      }
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const op = node.value
      return (root) => {
        const a = l(root)
        if (a === BAIL) return BAIL
        const b = r(root)
        if (b === BAIL) return BAIL
        const ta = typeof a
        const tb = typeof b
        const ca = ta === 'undefined' || ta === 'string' || ta === 'number'
        const cb = tb === 'undefined' || tb === 'string' || tb === 'number'
        if (!ca || !cb) return BAIL // JSONata raises T2010
        if (ta === 'undefined' || tb === 'undefined') return undefined
        if (ta !== tb) return BAIL // JSONata raises T2009
        const x = a as number
        const y = b as number
        return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y
      }
    }
    case '&':
      return (root) => {
        const a = l(root)
        if (a === BAIL) return BAIL
        const b = r(root)
        if (b === BAIL) return BAIL
        // JSONata's $string formats numbers and objects its own way: only strings here.
        if ((a !== undefined && typeof a !== 'string') || (b !== undefined && typeof b !== 'string'))
          return BAIL
        return (a ?? '') + (b ?? '')
      }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%': {
      const op = node.value
      return (root) => {
        const a = l(root)
        if (a === BAIL) return BAIL
        const b = r(root)
        if (b === BAIL) return BAIL
        if ((a !== undefined && typeof a !== 'number') || (b !== undefined && typeof b !== 'number'))
          return BAIL
        if (a === undefined || b === undefined) return undefined
        const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b
        return Number.isFinite(v) ? v : BAIL
      }
    }
    default:
      return null
  }
}

function compileObject(node: Ast): FastFn | null {
  if (!onlyKeys(node, OBJECT_KEYS) || !Array.isArray(node.lhs)) return null
  const keys: string[] = []
  const values: FastFn[] = []
  for (const pair of node.lhs as [Ast, Ast][]) {
    const [k, v] = pair
    if (k.type !== 'string' || !onlyKeys(k, LITERAL_KEYS) || typeof k.value !== 'string') return null
    // Duplicate keys are a JSONata error; the prototype keys would corrupt a plain object.
    if (keys.includes(k.value) || k.value === '__proto__' || k.value.startsWith('_jsonata_')) return null
    const f = compileFast(v)
    if (!f) return null
    keys.push(k.value)
    values.push(f)
  }
  const n = keys.length
  return (root) => {
    const out: Record<string, unknown> = {}
    for (let i = 0; i < n; i++) {
      const v = values[i](root)
      if (v === BAIL) return BAIL
      if (v !== undefined) out[keys[i]] = v
    }
    return out
  }
}

function compileArray(node: Ast): FastFn | null {
  if (!onlyKeys(node, ARRAY_KEYS) || !Array.isArray(node.expressions)) return null
  const items: { f: FastFn; nested: boolean }[] = []
  for (const item of node.expressions as Ast[]) {
    const f = compileFast(item)
    if (!f) return null
    items.push({ f, nested: item.type === 'unary' && item.value === '[' })
  }
  return (root) => {
    const out: unknown[] = []
    for (const { f, nested } of items) {
      const v = f(root)
      if (v === BAIL) return BAIL
      if (v === undefined) continue
      // JSONata flattens arrays that do not come from a nested constructor.
      if (Array.isArray(v) && !nested) return BAIL
      out.push(v)
    }
    return out
  }
}

/** Compile an AST node to a synchronous function, or null when it is outside the subset. */
export function compileFast(node: Ast | undefined): FastFn | null {
  if (!node || typeof node !== 'object') return null
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      if (!onlyKeys(node, LITERAL_KEYS)) return null
      const v = node.value
      return () => v
    }
    case 'path':
      return compilePath(node)
    case 'binary':
      return compileBinary(node)
    case 'condition': {
      if (!onlyKeys(node, CONDITION_KEYS)) return null
      const c = compileFast(node.condition as Ast)
      const t = compileFast(node.then as Ast)
      const e = node.else === undefined ? () => undefined : compileFast(node.else as Ast)
      if (!c || !t || !e) return null
      return (root) => {
        const v = c(root)
        if (v === BAIL) return BAIL
        return truthy(v) ? t(root) : e(root)
      }
    }
    case 'block': {
      if (!onlyKeys(node, BLOCK_KEYS) || !Array.isArray(node.expressions) || node.expressions.length !== 1)
        return null
      return compileFast(node.expressions[0] as Ast)
    }
    case 'unary':
      if (node.value === '{') return compileObject(node)
      if (node.value === '[') return compileArray(node)
      if (node.value === '-' && onlyKeys(node, NEGATE_KEYS)) {
        const f = compileFast(node.expression as Ast)
        if (!f) return null
        return (root) => {
          const v = f(root)
          if (v === BAIL || v === undefined) return v
          return typeof v === 'number' ? -v : BAIL
        }
      }
      return null
    default:
      return null
  }
}
