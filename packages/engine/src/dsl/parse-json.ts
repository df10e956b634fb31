import type { ParseContext } from './parse-context'

export const JSON_FAILED: unique symbol = Symbol('json-failed')

/**
 * Reads a JSON value (config, event, mock output) that may span lines. Its extent is found
 * by the scanner's bracket count, then the native JSON.parse does the rest: it is fast and
 * exact, and its error position is mapped back into the file.
 */
export function readJson(ctx: ParseContext, what: string, whose = ''): unknown {
  const s = ctx.s
  const start = s.pos
  const end = s.scanJson()
  if (end < 0) {
    ctx.scanError('bad-json', `invalid JSON in ${what}${whose}`)
    s.pos = s.lineEnd(start)
    return JSON_FAILED
  }
  const text = ctx.source.slice(start, end)
  try {
    const value: unknown = JSON.parse(text)
    s.pos = end
    return value
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    const at = /at position (\d+)/.exec(message)
    const offset = at ? start + Math.min(Number(at[1]), text.length - 1) : start
    ctx.error(offset, 1, 'bad-json', `invalid JSON in ${what}${whose}: ${shorten(message)}`)
    // The brackets balance, so the value's extent is right even though its content is not.
    s.pos = end
    s.skipRestOfLine()
    return JSON_FAILED
  }
}

// V8 quotes the whole input in some messages; keep the reason, drop the echo.
function shorten(message: string): string {
  const cut = message
    .replace(/,\s*".*" is not valid JSON$/s, '')
    .replace(/\s*\(line \d+ column \d+\)$/, '')
    .replace(/ in JSON at position \d+$/, '')
  return cut.length > 160 ? `${cut.slice(0, 160)}…` : cut
}
