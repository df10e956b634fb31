/**
 * Guardrails for user-written JSONata. Workflows are authored by marketers and run inside
 * the server process, so an expression must never hang it or exhaust its memory: deep
 * recursion, endless (tail-)recursion and runaway string or array building all fail the
 * node with a message instead.
 */
export const EXPRESSION_LIMITS = {
  /** Wall-clock budget of one evaluation; checked by JSONata before every AST step. */
  timeoutMs: 1000,
  /** Nesting depth of JSONata's evaluator (a recursive function uses ~6 levels per call). */
  maxDepth: 1000,
  /** Longest sequence or array an expression may build. */
  maxSequence: 100_000,
  /** Longest string any step of an evaluation may produce. */
  maxStringLength: 1_000_000,
  /** Characters produced by all string steps of one evaluation together. */
  maxTotalChars: 20_000_000,
} as const

/** Thrown from inside an evaluation; JSONata propagates it like its own errors. */
export class ExpressionLimitError extends Error {
  readonly code = 'FLOWLINE_LIMIT'
  constructor(message: string) {
    super(message)
    this.name = 'ExpressionLimitError'
  }
}

interface GuardedEnvironment {
  base: { flowlineChars?: number }
}

/**
 * JSONata's `__evaluate_exit` hook sees the result of every AST step. Strings in V8 are
 * ropes, so `$a & $a` doubling stays cheap until something flattens it; counting lengths
 * here stops the doubling long before that happens.
 */
export function guardStepResult(
  _expr: unknown,
  _input: unknown,
  environment: GuardedEnvironment,
  result: unknown,
) {
  if (typeof result === 'string') {
    if (result.length > EXPRESSION_LIMITS.maxStringLength) {
      throw new ExpressionLimitError(
        `a string grew past ${EXPRESSION_LIMITS.maxStringLength.toLocaleString('en-US')} characters`,
      )
    }
    const base = environment.base
    const total = (base.flowlineChars ?? 0) + result.length
    base.flowlineChars = total
    if (total > EXPRESSION_LIMITS.maxTotalChars) {
      throw new ExpressionLimitError(
        `the expression built more than ${EXPRESSION_LIMITS.maxTotalChars.toLocaleString('en-US')} characters of text`,
      )
    }
  } else if (Array.isArray(result) && result.length > EXPRESSION_LIMITS.maxSequence) {
    throw new ExpressionLimitError(
      `an array grew past ${EXPRESSION_LIMITS.maxSequence.toLocaleString('en-US')} items`,
    )
  }
}

/**
 * `$pad` allocates its padding in one synchronous call, out of reach of the step hook;
 * this copy of JSONata's implementation refuses widths over the string limit first.
 */
export function safePad(str: string | undefined, width: number, char?: string): string | undefined {
  if (str === undefined) return undefined
  const w = Math.trunc(width)
  if (Math.abs(w) > EXPRESSION_LIMITS.maxStringLength) {
    throw new ExpressionLimitError(
      `$pad width ${w} is over the limit of ${EXPRESSION_LIMITS.maxStringLength.toLocaleString('en-US')}`,
    )
  }
  const fill = char === undefined || char.length === 0 ? ' ' : char
  // JSONata measures strings in code points, not UTF-16 units.
  const padLength = Math.abs(w) - Array.from(str).length
  if (padLength <= 0) return str
  let padding = fill.repeat(padLength)
  if (fill.length > 1) padding = Array.from(padding).slice(0, padLength).join('')
  return w > 0 ? str + padding : padding + str
}

/**
 * Does the pattern repeat a group that itself repeats, like `(a+)+` or `(\w+\s?)*`?
 * Those backtrack exponentially on a near-match, and a single RegExp exec cannot be
 * interrupted by any time budget, so such patterns are refused up front.
 */
export function hasNestedQuantifier(source: string): boolean {
  const groups: boolean[] = [false] // per open group: does it contain a repetition?
  const repeatsAt = (i: number): number => {
    const c = source[i]
    if (c === '*' || c === '+') return 1
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i))
      if (m && m[2] !== undefined && (m[3] === '' || Number(m[3]) > 1)) return m[0].length
    }
    return 0
  }
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\') {
      i++
      if (repeatsAt(i + 1)) groups[groups.length - 1] = true
      continue
    }
    if (c === '[') {
      // Skip the character class; `]` right after `[` or `[^` is literal.
      let j = i + 1
      if (source[j] === '^') j++
      if (source[j] === ']') j++
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1
      i = j
      if (repeatsAt(i + 1)) groups[groups.length - 1] = true
      continue
    }
    if (c === '(') {
      groups.push(false)
      continue
    }
    if (c === ')') {
      const inner = groups.length > 1 ? groups.pop()! : false
      const repeated = repeatsAt(i + 1) > 0
      if (inner && repeated) return true
      if (inner || repeated) groups[groups.length - 1] = true
      continue
    }
    if (repeatsAt(i + 1) && c !== '|') groups[groups.length - 1] = true
  }
  return false
}

/** The RegExp constructor JSONata uses for `/…/` literals: the standard one, minus catastrophic patterns. */
export function SafeRegExp(pattern: RegExp | string, flags?: string): RegExp {
  const source = typeof pattern === 'string' ? pattern : pattern.source
  if (hasNestedQuantifier(source)) {
    throw new ExpressionLimitError(
      `the regular expression /${source}/ repeats a group that itself repeats, which can take exponential time; simplify it`,
    )
  }
  return new RegExp(pattern, flags)
}
