import jsonata from 'jsonata'

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

/** Compile a JSONata expression once; throws ExpressionError with the position on bad syntax. */
export function compileExpression(text: string): CompiledExpression {
  const hit = cache.get(text)
  if (hit) return hit
  let compiled: CompiledExpression
  try {
    compiled = jsonata(text)
  } catch (err) {
    const e = err as { message?: string; position?: number }
    throw new ExpressionError(e.message ?? String(err), text, e.position)
  }
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
