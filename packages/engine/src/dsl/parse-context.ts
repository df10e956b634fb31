import type { Group, TestCase, WorkflowEdge, WorkflowNode } from '../model/schema'
import type { Diagnostic, DiagnosticCode } from './diagnostics'
import { LineIndex } from './diagnostics'
import { Scanner } from './lexer'

/** Past this many errors the rest of the input is not worth reading (garbage, wrong file). */
export const MAX_DIAGNOSTICS = 100
/** Free text beyond this is refused: no workflow has a 1 MiB description, but a wrong file might. */
export const MAX_FREE_TEXT = 1 << 20

/** A group-qualified edge end (`MLModel.n8`), checked once all groups are known. */
export interface Qualifier {
  edge: number
  end: 'source' | 'target'
  group: string
  offset: number
}

export interface GroupEntry {
  group: Group
  offset: number
  length: number
}

/** Mutable state of one parse; statements append to it, `resolve` checks references at the end. */
export class ParseContext {
  readonly s: Scanner
  private readonly raw: Diagnostic[] = []
  stopped = false
  readonly text: string[] = []
  textSize = 0
  readonly groups: Group[] = []
  readonly groupIndex = new Map<string, GroupEntry>()
  readonly nodes: WorkflowNode[] = []
  readonly nodeIndex = new Map<string, number>()
  readonly nodeOffsets: number[] = []
  /**
   * Edges as read; ids are assigned once the whole file is read (edges may point forward).
   * Source positions live in side arrays so the hot path allocates nothing but the model.
   */
  readonly edges: WorkflowEdge[] = []
  readonly edgeOffsets: number[] = []
  readonly sourceOffsets: number[] = []
  readonly targetOffsets: number[] = []
  readonly qualifiers: Qualifier[] = []
  /** Edge index → offset of its explicit `id="…"`. */
  readonly explicitIds = new Map<number, number>()
  /** Every id so far was a bare word: derived edge ids are then unique by construction. */
  bareIds = true
  tests: TestCase[] | undefined
  private lines: LineIndex | undefined

  constructor(
    readonly source: string,
    readonly file: string | undefined,
  ) {
    this.s = new Scanner(source)
  }

  get errorCount(): number {
    return this.raw.length
  }

  error(offset: number, length: number, code: DiagnosticCode, message: string): void {
    if (this.stopped) return
    if (this.raw.length >= MAX_DIAGNOSTICS) {
      this.raw.push({
        message: `too many errors (${MAX_DIAGNOSTICS}); stopped reading here`,
        offset,
        line: 0,
        column: 0,
        code: 'too-many-errors',
      })
      this.stopped = true
      return
    }
    this.raw.push({ message, offset, line: 0, column: 0, length: Math.max(1, length), code })
  }

  /** Reports the scanner's last failed read (string, number or JSON) as a diagnostic. */
  scanError(code: DiagnosticCode, context = ''): void {
    const s = this.s
    this.error(s.errPos, 1, code, context ? `${context}: ${s.errMessage}` : s.errMessage)
  }

  /** 1-based line of an offset, for messages like "already defined on line 5". */
  lineOf(offset: number): number {
    this.lines ??= new LineIndex(this.source)
    return this.lines.lineOf(offset) + 1
  }

  /** Diagnostics in source order with line and column filled in. */
  diagnostics(): Diagnostic[] {
    if (this.raw.length === 0) return []
    this.lines ??= new LineIndex(this.source)
    const index = this.lines
    const sorted = this.raw
      .map((d, i) => ({ d, i }))
      .sort((a, b) =>
        a.d.code === 'too-many-errors'
          ? 1
          : b.d.code === 'too-many-errors'
            ? -1
            : a.d.offset - b.d.offset || a.i - b.i,
      )
    return sorted.map(({ d }) => {
      const { line, column } = index.locate(d.offset)
      const out: Diagnostic = { message: d.message, offset: d.offset, line, column }
      if (d.length !== undefined) out.length = d.length
      if (d.code !== undefined) out.code = d.code
      if (this.file !== undefined) out.file = this.file
      return out
    })
  }

  /** Reads the rest of the line as nothing but spaces; reports anything else as unexpected. */
  expectLineEnd(what: string): void {
    const s = this.s
    s.skipSpaces()
    if (s.atLineEnd()) return
    const end = s.lineEnd()
    this.error(
      s.pos,
      end - s.pos,
      'syntax',
      `unexpected "${preview(this.source, s.pos, end)}" after ${what}: expected the end of the line`,
    )
    s.pos = end
  }

  /** Reads an id (word or `backtick name`), reporting `expected` when there is none. */
  expectRef(expected: string): string | null {
    const s = this.s
    const at = s.pos
    const ref = s.readRef()
    if (ref !== null) {
      if (s.src.charCodeAt(at) === 96) this.bareIds = false
      return ref
    }
    if (s.errMessage) this.scanError('bad-string')
    else this.error(at, 1, 'syntax', `expected ${expected}, found ${describeAt(this.source, at)}`)
    s.skipRestOfLine()
    return null
  }

  /** Consumes `char` or reports what was expected and skips the line. */
  expectChar(code: number, expected: string): boolean {
    const s = this.s
    if (s.peek() === code) {
      s.pos++
      return true
    }
    return this.missing(expected)
  }

  /** Reports that `expected` is missing at the current position and skips the line. */
  missing(expected: string): false {
    const s = this.s
    this.error(s.pos, 1, 'syntax', `expected ${expected}, found ${describeAt(this.source, s.pos)}`)
    s.skipRestOfLine()
    return false
  }
}

/** A short, printable description of what is at `offset`, for "expected X, found Y". */
export function describeAt(source: string, offset: number): string {
  if (offset >= source.length) return 'the end of the file'
  const c = source.charCodeAt(offset)
  if (c === 10 || c === 13) return 'the end of the line'
  const end = Math.min(source.length, offset + 24)
  let stop = offset
  while (stop < end) {
    const d = source.charCodeAt(stop)
    if (d === 10 || d === 13 || (stop > offset && (d === 32 || d === 9))) break
    stop++
  }
  return `"${preview(source, offset, stop)}"`
}

export function preview(source: string, from: number, to: number): string {
  const text = source.slice(from, Math.min(to, from + 40))
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters would garble the message
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '\ufffd')
  return to - from > 40 ? `${clean}…` : clean
}
