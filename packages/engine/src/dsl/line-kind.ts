import { hasUnsafeChars } from './escape'
import { CH, Scanner } from './lexer'

/**
 * What a line outside any block is. Outside blocks free text reigns (the seed's title,
 * description and text glued after `}`), so a line is syntax only when it clearly starts
 * like syntax; everything else is text. The printer asks the same question to decide
 * whether a description line can be written as is or must be quoted.
 */
export type TopLineKind = 'text' | 'quoted-text' | 'group' | 'node' | 'edge' | 'test' | 'close' | 'stray'

export const SHAPES: ReadonlySet<string> = new Set(['circle', 'rectangle', 'diamond'])
const ATTRIBUTES: ReadonlySet<string> = new Set(['label', 'type', 'at', 'config'])

/** Classifies the line at the scanner's position (after leading spaces) without moving. */
export function classifyTopLine(s: Scanner): TopLineKind {
  const start = s.pos
  const kind = classifyTop(s)
  s.pos = start
  return kind
}

function classifyTop(s: Scanner): TopLineKind {
  const c = s.peek()
  if (c === CH.QUOTE) {
    if (s.readQuoted(CH.QUOTE) === null) return 'text'
    s.skipSpaces()
    return s.atLineEnd() ? 'quoted-text' : 'text'
  }
  if (c === CH.RBRACE) return 'close'
  if (c === CH.LBRACE || c === CH.LBRACKET || c === CH.RBRACKET) return 'stray'
  const first = s.readRef()
  if (first === null) return 'text'
  const bare = s.src.charCodeAt(s.tokStart) !== CH.BACKTICK
  if (s.peek() === CH.DOT) {
    let last = bare ? first : ''
    while (s.peek() === CH.DOT) {
      s.pos++
      const isBare = s.peek() !== CH.BACKTICK
      const ref = s.readRef()
      if (ref === null) return 'text'
      last = isBare ? ref : ''
    }
    if (s.peek() !== CH.LPAREN) return 'text'
    // `Node.js(tm)` in a description is text; `n1.handle(` or a line with an arrow is an edge.
    return last === 'handle' || lineHasArrow(s) ? 'edge' : 'text'
  }
  const spaced = s.skipSpaces()
  const next = s.peek()
  if (next === CH.COLON) {
    s.pos++
    s.skipSpaces()
    if (!s.readWord()) return 'text'
    if (SHAPES.has(s.word()) && (s.atLineEnd() || s.skipSpaces())) return 'node'
    // `n1: hexagon label:"…"` is a node with a bad shape; `Owner: marketing team` is text.
    s.skipSpaces()
    if (!s.readWord() || !ATTRIBUTES.has(s.word())) return 'text'
    s.skipSpaces()
    return s.peek() === CH.COLON ? 'node' : 'text'
  }
  if (next === CH.LBRACE) {
    s.pos++
    s.skipSpaces()
    return s.atLineEnd() || s.peek() === CH.HASH ? 'group' : 'text'
  }
  if (next === CH.QUOTE && spaced && bare && first === 'test' && s.readQuoted(CH.QUOTE) !== null) {
    s.skipSpaces()
    if (s.peek() !== CH.LBRACE) return 'text'
    s.pos++
    s.skipSpaces()
    return s.atLineEnd() ? 'test' : 'text'
  }
  return 'text'
}

function lineHasArrow(s: Scanner): boolean {
  const end = s.lineEnd()
  const i = s.src.indexOf('->', s.pos)
  return i >= 0 && i < end
}

/** Can `line` be printed as raw free text and read back unchanged? */
export function isRawTextSafe(line: string): boolean {
  if (line.length === 0) return false
  const first = line.charCodeAt(0)
  const last = line.charCodeAt(line.length - 1)
  if (first === CH.SPACE || first === CH.TAB || last === CH.SPACE || last === CH.TAB) return false
  if (first === CH.BOM || hasUnsafeChars(line)) return false
  return classifyTopLine(new Scanner(line)) === 'text'
}

/** Control characters other than tab may not appear in raw text (they signal binary input). */
export function isTextControl(c: number): boolean {
  return (c < 32 && c !== CH.TAB) || c === 127
}
