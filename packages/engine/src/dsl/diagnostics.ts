/** A parse error with its place in the source (jsonc-parser style: collected, never thrown). */
export interface Diagnostic {
  message: string
  /** UTF-16 offset into the source. */
  offset: number
  /** 1-based line and column (column counted in UTF-16 code units, as editors do). */
  line: number
  column: number
  /** Length of the offending token, for carets and editor squiggles. */
  length?: number
  code?: DiagnosticCode
  file?: string
}

export type DiagnosticCode =
  | 'syntax'
  | 'bad-string'
  | 'bad-shape'
  | 'bad-side'
  | 'bad-json'
  | 'unknown-attribute'
  | 'duplicate-attribute'
  | 'duplicate-id'
  | 'unknown-node'
  | 'unknown-group'
  | 'wrong-group'
  | 'nested-group'
  | 'unclosed-block'
  | 'unmatched-brace'
  | 'group-title-conflict'
  | 'control-character'
  | 'too-much-text'
  | 'too-many-errors'

/** Maps offsets to lines with a binary search over line starts (built once, only when needed). */
export class LineIndex {
  private readonly starts: number[] = [0]

  constructor(source: string) {
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i)
      if (c === 10) this.starts.push(i + 1)
      else if (c === 13) {
        if (source.charCodeAt(i + 1) === 10) i++
        this.starts.push(i + 1)
      }
    }
  }

  /** 0-based line number containing `offset`. */
  lineOf(offset: number): number {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid] <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  lineStart(line: number): number {
    return this.starts[line]
  }

  get lineCount(): number {
    return this.starts.length
  }

  locate(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset)
    return { line: line + 1, column: offset - this.starts[line] + 1 }
  }
}

/** `FILE:LINE:COL: message`, the format of DESIGN §5 (editors and terminals link it). */
export function formatDiagnostic(diag: Diagnostic, file = diag.file ?? '<input>'): string {
  return `${file}:${diag.line}:${diag.column}: ${diag.message}`
}

const MAX_FRAME_WIDTH = 120

/**
 * A code frame: the offending line with its predecessor for context and a caret under the
 * token. Very long lines (minified or garbage input) are cut to a window around the column.
 */
export function codeFrame(
  source: string,
  diag: Pick<Diagnostic, 'offset' | 'length'>,
  index: LineIndex = new LineIndex(source),
): string {
  const offset = Math.max(0, Math.min(diag.offset, source.length))
  const line = index.lineOf(offset)
  const first = Math.max(0, line - 1)
  const gutter = String(line + 1).length
  const out: string[] = []
  let caretLine = ''
  for (let l = first; l <= line; l++) {
    const start = index.lineStart(l)
    const end = l + 1 < index.lineCount ? index.lineStart(l + 1) : source.length
    const text = source.slice(start, end).replace(/\r?\n$|\r$/, '')
    const col = l === line ? offset - start : 0
    let from = 0
    if (text.length > MAX_FRAME_WIDTH) from = Math.max(0, Math.min(col - 40, text.length - MAX_FRAME_WIDTH))
    const shown = text.slice(from, from + MAX_FRAME_WIDTH)
    const prefix = from > 0 ? '…' : ''
    const suffix = from + MAX_FRAME_WIDTH < text.length ? '…' : ''
    const marker = l === line ? '>' : ' '
    out.push(`${marker} ${String(l + 1).padStart(gutter)} | ${prefix}${visible(shown)}${suffix}`)
    if (l === line) {
      // Keep tabs in the padding so the caret lines up under tab-indented text.
      const pad = visible(shown.slice(0, col - from)).replace(/[^\t]/g, ' ')
      const width = Math.max(1, Math.min(diag.length ?? 1, shown.length - (col - from), 60))
      caretLine = `  ${' '.repeat(gutter)} | ${prefix ? ' ' : ''}${pad}${'^'.repeat(width)}`
    }
  }
  out.push(caretLine)
  return out.join('\n')
}

// Control characters would garble the terminal; show them as the replacement glyph.
function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd')
}
