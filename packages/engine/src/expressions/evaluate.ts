import { type CompiledExpression, compileExpression, ExpressionError } from './compile'
import { BAIL, compileFast, type FastFn } from './fast-path'

/** What every workflow expression is evaluated against (DESIGN §4). */
export interface ExpressionScope {
  event: unknown
  steps: Record<string, unknown>
  vars: Record<string, unknown>
}

/** An expression compiled once: a synchronous fast path when the subset allows, JSONata always. */
export interface PreparedExpression {
  text: string
  fast: FastFn | null
  compiled: CompiledExpression
}

const prepared = new Map<string, PreparedExpression>()
const PREPARED_LIMIT = 5000

/** Compile (or fetch from cache) an expression; throws ExpressionError on bad syntax. */
export function prepareExpression(text: string): PreparedExpression {
  const hit = prepared.get(text)
  if (hit) return hit
  const compiled = compileExpression(text)
  const p: PreparedExpression = { text, compiled, fast: compileFast(compiled.ast() as never) }
  if (prepared.size >= PREPARED_LIMIT) prepared.clear()
  prepared.set(text, p)
  return p
}

/** JSONata throws plain objects ({code, message, position}); give callers a real Error. */
export function toExpressionError(err: unknown, text: string): ExpressionError {
  if (err instanceof ExpressionError) return err
  const e = err as { message?: unknown; position?: unknown; code?: unknown }
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err)
  return new ExpressionError(message, text, typeof e?.position === 'number' ? e.position : undefined)
}

function rethrow(text: string) {
  return (err: unknown): never => {
    throw toExpressionError(err, text)
  }
}

/**
 * Evaluate synchronously when the fast path decides, else through JSONata (a Promise).
 * Callers await only when they get a Promise, so the common case never touches the
 * microtask queue.
 */
export function evaluateExpression(p: PreparedExpression, scope: ExpressionScope): unknown {
  if (p.fast) {
    const v = p.fast(scope)
    if (v !== BAIL) return v
  }
  return p.compiled.evaluate(scope).then(normalize, rethrow(p.text))
}

/**
 * JSONata returns its internal sequences (arrays with flags that change how a later path
 * reads them), null-prototype objects and possibly functions. Outputs are stored in run
 * state and must read the same after a JSON round trip (suspend/resume), so they become
 * plain JSON values here.
 */
export function normalize(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'function' ? undefined : v
  if (Array.isArray(v)) {
    const out: unknown[] = []
    for (const item of v) {
      const n = normalize(item)
      if (n !== undefined) out.push(n)
    }
    return out
  }
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(v)) {
    const n = normalize((v as Record<string, unknown>)[key])
    if (n !== undefined) {
      if (key === '__proto__')
        Object.defineProperty(out, key, { value: n, enumerable: true, writable: true, configurable: true })
      else out[key] = n
    }
  }
  return out
}

/** Always a Promise: for callers that do not care about the fast path (tests, assertions). */
export async function evaluateText(text: string, scope: ExpressionScope): Promise<unknown> {
  return evaluateExpression(prepareExpression(text), scope)
}

/**
 * Every asynchronous result in the engine is a native Promise (JSONata's evaluate and
 * async executors), and results are plain JSON otherwise, so `instanceof` is exact here
 * and much cheaper than probing every output object for a `then` property.
 */
export function isPromiseLike(v: unknown): v is Promise<unknown> {
  return v instanceof Promise
}
