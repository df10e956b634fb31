import jsonata from 'jsonata'
import { EXPRESSION_LIMITS, guardStepResult, SafeRegExp, safePad } from './limits'

export type CompiledExpression = ReturnType<typeof jsonata>

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly position?: number,
  ) {
    super(message)
    this.name = 'ExpressionError'
  }
}

// Workflows are compiled on every run and on every keystroke in the editor: cache by text.
const cache = new Map<string, CompiledExpression>()
const CACHE_LIMIT = 5000

const GUARD_OPTIONS = {
  timeout: EXPRESSION_LIMITS.timeoutMs,
  stack: EXPRESSION_LIMITS.maxDepth,
  sequence: EXPRESSION_LIMITS.maxSequence,
  RegexEngine: SafeRegExp as unknown as RegExpConstructor,
}
const EXIT_HOOK = Symbol.for('jsonata.__evaluate_exit')

/** Compile a JSONata expression once; throws ExpressionError with the position on bad syntax. */
export function compileExpression(text: string): CompiledExpression {
  const hit = cache.get(text)
  if (hit) return hit
  let compiled: CompiledExpression
  try {
    compiled = jsonata(text, GUARD_OPTIONS)
  } catch (err) {
    // JSONata's parser recurses per nesting level: thousands of parentheses overflow it.
    if (err instanceof RangeError) throw new ExpressionError('the expression is nested too deeply', text)
    const e = err as { message?: string; position?: number }
    throw new ExpressionError(e.message ?? String(err), text, e.position)
  }
  // Every compiled expression carries the guardrails (see limits.ts), so no caller can
  // evaluate user text without them.
  compiled.assign(EXIT_HOOK as unknown as string, guardStepResult)
  compiled.registerFunction('pad', safePad, '<s-ns?:s>')
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(text, compiled)
  return compiled
}

/** Returns null when the expression compiles, else the error message. */
export function expressionError(text: string): string | null {
  try {
    compileExpression(text)
    return null
  } catch (err) {
    return (err as Error).message
  }
}
