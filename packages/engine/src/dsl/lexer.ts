/**
 * Character-level scanner for the `.flow` notation. The parser drives it with the token it
 * expects next (word, string, number, JSON), so no token objects are allocated and every
 * loop is a `charCodeAt` scan: a 10,000-node file has to parse in well under 50 ms, and a
 * 10 MB file of garbage has to be rejected without backtracking or recursion.
 */
export const CH = {
  TAB: 9,
  LF: 10,
  CR: 13,
  SPACE: 32,
  QUOTE: 34,
  HASH: 35,
  LPAREN: 40,
  RPAREN: 41,
  COMMA: 44,
  MINUS: 45,
  DOT: 46,
  COLON: 58,
  EQUALS: 61,
  GT: 62,
  LBRACKET: 91,
  BACKSLASH: 92,
  RBRACKET: 93,
  BACKTICK: 96,
  LBRACE: 123,
  RBRACE: 125,
  BOM: 0xfeff,
} as const

/** JSON values nested deeper than this are refused: later consumers (stringify, JSONata) recurse. */
export const MAX_JSON_DEPTH = 1000

// Identifier characters: ASCII letters, digits, `_` and `-` (node ids like `n8`, types like `http-request`).
const WORD = new Uint8Array(128)
for (let c = 48; c <= 57; c++) WORD[c] = 1
for (let c = 65; c <= 90; c++) WORD[c] = 1
for (let c = 97; c <= 122; c++) WORD[c] = 1
WORD[95] = 1
WORD[45] = 1

export function isWordCode(c: number): boolean {
  return c < 128 && c >= 0 && WORD[c] === 1
}

/** True when `text` can be written without backticks as an id, type or group name. */
export function isBareWord(text: string): boolean {
  if (text.length === 0) return false
  for (let i = 0; i < text.length; i++) if (!isWordCode(text.charCodeAt(i))) return false
  return true
}

export class Scanner {
  pos = 0
  readonly len: number
  /** Start and end of the last word or string read. */
  tokStart = 0
  tokEnd = 0
  /** Set when a read fails: what went wrong and where. */
  errMessage = ''
  errPos = 0

  constructor(readonly src: string) {
    this.len = src.length
    if (this.len > 0 && src.charCodeAt(0) === CH.BOM) this.pos = 1
  }

  peek(): number {
    return this.pos < this.len ? this.src.charCodeAt(this.pos) : -1
  }

  peekAt(offset: number): number {
    const i = this.pos + offset
    return i < this.len ? this.src.charCodeAt(i) : -1
  }

  eof(): boolean {
    return this.pos >= this.len
  }

  /** Skips spaces and tabs (never line breaks: statements end at the end of a line). */
  skipSpaces(): boolean {
    const start = this.pos
    const src = this.src
    let p = this.pos
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c !== CH.SPACE && c !== CH.TAB) break
      p++
    }
    this.pos = p
    return p > start
  }

  atLineEnd(): boolean {
    const c = this.peek()
    return c === -1 || c === CH.LF || c === CH.CR
  }

  /** Consumes one `\n`, `\r\n` or `\r`. */
  skipLineBreak(): void {
    const c = this.peek()
    if (c === CH.CR) {
      this.pos++
      if (this.peek() === CH.LF) this.pos++
    } else if (c === CH.LF) this.pos++
  }

  /** Offset of the end of the current line (before its line break). */
  lineEnd(from = this.pos): number {
    const src = this.src
    let p = from
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c === CH.LF || c === CH.CR) break
      p++
    }
    return p
  }

  skipRestOfLine(): void {
    this.pos = this.lineEnd()
  }

  /** Reads `[A-Za-z0-9_-]+`; false (and no move) when there is none. */
  readWord(): boolean {
    const src = this.src
    const start = this.pos
    let p = start
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c >= 128 || WORD[c] !== 1) break
      p++
    }
    this.tokStart = start
    this.tokEnd = p
    this.pos = p
    return p > start
  }

  /** Reads the word just scanned. */
  word(): string {
    return this.src.slice(this.tokStart, this.tokEnd)
  }

  /** Is the word just scanned `text`? (Compares in place: keywords need no string allocation.) */
  wordIs(text: string): boolean {
    const start = this.tokStart
    if (this.tokEnd - start !== text.length) return false
    const src = this.src
    for (let i = 0; i < text.length; i++) if (src.charCodeAt(start + i) !== text.charCodeAt(i)) return false
    return true
  }

  /** Skips an id without building its string (for classifying a line); false when there is none. */
  skipRef(): boolean {
    if (this.peek() === CH.BACKTICK) return this.readQuoted(CH.BACKTICK) !== null
    return this.readWord()
  }

  /**
   * Reads an id: a bare word, or a backtick-quoted name for ids that are not plain words.
   * Returns null when there is none (errMessage set if a backtick name was malformed).
   */
  readRef(): string | null {
    if (this.peek() === CH.BACKTICK) return this.readQuoted(CH.BACKTICK)
    this.errMessage = ''
    return this.readWord() ? this.word() : null
  }

  /**
   * Reads a `"…"` (or backtick) string at the current position with the escapes `\"`, `\\`,
   * `` \` ``, `\n`, `\r`, `\t` and `\uXXXX`. Strings end on their line; null on error.
   */
  readQuoted(quote: number): string | null {
    const src = this.src
    const start = this.pos
    this.tokStart = start
    let p = start + 1
    // Fast path: most labels have no escapes, so one slice does.
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c === quote) {
        this.pos = p + 1
        this.tokEnd = this.pos
        return src.slice(start + 1, p)
      }
      if (c === CH.BACKSLASH || c === CH.LF || c === CH.CR) break
      p++
    }
    // Slow path: short strings, so concatenation (V8 ropes) beats collecting parts.
    let out = ''
    let chunk = start + 1
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c === quote) {
        this.pos = p + 1
        this.tokEnd = this.pos
        return out + src.slice(chunk, p)
      }
      if (c === CH.LF || c === CH.CR) break
      if (c !== CH.BACKSLASH) {
        p++
        continue
      }
      out += src.slice(chunk, p)
      const e = p + 1 < this.len ? src.charCodeAt(p + 1) : -1
      let width = 2
      if (e === CH.QUOTE || e === CH.BACKSLASH || e === CH.BACKTICK) out += String.fromCharCode(e)
      else if (e === 110) out += '\n'
      else if (e === 114) out += '\r'
      else if (e === 116) out += '\t'
      else if (e === 117) {
        const code = hex4(src, p + 2)
        if (code < 0) return this.fail(p, 'bad \\u escape: expected four hex digits, as in \\u00e9')
        out += String.fromCharCode(code)
        width = 6
      } else {
        const shown = e === -1 || e === CH.LF || e === CH.CR ? '' : String.fromCharCode(e)
        return this.fail(p, `unknown escape \\${shown}: expected \\", \\\\, \\n, \\r, \\t or \\uXXXX`)
      }
      p += width
      chunk = p
    }
    const what = quote === CH.BACKTICK ? 'name' : 'string'
    const close = quote === CH.BACKTICK ? '`' : '"'
    return this.fail(start, `unterminated ${what}: expected a closing ${close} before the end of the line`)
  }

  private fail(at: number, message: string): null {
    this.errMessage = message
    this.errPos = at
    this.pos = this.lineEnd(at)
    return null
  }

  /** Reads a JavaScript-style finite number (`-12`, `0.5`, `1e+21`); null when there is none. */
  readNumber(): number | null {
    const src = this.src
    const start = this.pos
    let p = start
    if (p < this.len && (src.charCodeAt(p) === CH.MINUS || src.charCodeAt(p) === 43)) p++
    const digitsFrom = p
    while (p < this.len && isDigit(src.charCodeAt(p))) p++
    if (p < this.len && src.charCodeAt(p) === CH.DOT) {
      p++
      while (p < this.len && isDigit(src.charCodeAt(p))) p++
    }
    if (p === digitsFrom || (p === digitsFrom + 1 && src.charCodeAt(digitsFrom) === CH.DOT)) return null
    const e = p < this.len ? src.charCodeAt(p) : -1
    if (e === 101 || e === 69) {
      let q = p + 1
      const sign = q < this.len ? src.charCodeAt(q) : -1
      if (sign === 43 || sign === CH.MINUS) q++
      const expFrom = q
      while (q < this.len && isDigit(src.charCodeAt(q))) q++
      if (q > expFrom) p = q
    }
    const value = fastInteger(src, start, p) ?? Number(src.slice(start, p))
    if (!Number.isFinite(value)) return null
    this.tokStart = start
    this.tokEnd = p
    this.pos = p
    return value
  }

  /**
   * Finds the end of the JSON value starting here, which may span lines. Brackets are
   * counted iteratively (a 100,000-deep `[[[[` costs one pass and a depth error, never
   * a stack overflow). Returns the end offset, or -1 with errMessage/errPos set.
   */
  scanJson(): number {
    const src = this.src
    const start = this.pos
    const first = this.peek()
    if (first === CH.QUOTE) return this.scanJsonString(start)
    if (first !== CH.LBRACE && first !== CH.LBRACKET) {
      let p = start
      while (p < this.len) {
        const c = src.charCodeAt(p)
        if (c === CH.SPACE || c === CH.TAB || c === CH.LF || c === CH.CR) break
        p++
      }
      if (p === start) return this.jsonFail(start, 'expected a JSON value')
      return p
    }
    let depth = 0
    let p = start
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c === CH.QUOTE) {
        p = this.scanJsonString(p)
        if (p < 0) return -1
        continue
      }
      if (c === CH.LBRACE || c === CH.LBRACKET) {
        depth++
        if (depth > MAX_JSON_DEPTH)
          return this.jsonFail(p, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`)
      } else if (c === CH.RBRACE || c === CH.RBRACKET) {
        depth--
        if (depth === 0) return p + 1
      }
      p++
    }
    const close = first === CH.LBRACE ? '}' : ']'
    return this.jsonFail(start, `this JSON value is never closed: expected a matching ${close}`)
  }

  private scanJsonString(at: number): number {
    const src = this.src
    let p = at + 1
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c === CH.QUOTE) return p + 1
      if (c === CH.BACKSLASH) p += 2
      else if (c === CH.LF || c === CH.CR) break
      else p++
    }
    return this.jsonFail(at, 'unterminated JSON string: expected a closing " on the same line')
  }

  private jsonFail(at: number, message: string): number {
    this.errMessage = message
    this.errPos = at
    return -1
  }
}

/** The value of four hex digits at `at`, or -1. */
function hex4(src: string, at: number): number {
  if (at + 4 > src.length) return -1
  let value = 0
  for (let i = at; i < at + 4; i++) {
    const c = src.charCodeAt(i)
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1
    if (d < 0) return -1
    value = value * 16 + d
  }
  return value
}

// Positions are mostly small integers: compute them without slicing a string.
function fastInteger(src: string, start: number, end: number): number | null {
  if (end - start > 15) return null
  let p = start
  const negative = src.charCodeAt(p) === CH.MINUS
  if (negative || src.charCodeAt(p) === 43) p++
  let value = 0
  for (; p < end; p++) {
    const c = src.charCodeAt(p)
    if (c < 48 || c > 57) return null
    value = value * 10 + (c - 48)
  }
  return negative ? -value : value
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}
