/**
 * String quoting for the printer, the inverse of `Scanner.readQuoted`. Besides `"`/`\`
 * and line breaks it escapes what would not survive a file or would mislead a reader:
 * control characters, lone surrogates (not encodable as UTF-8) and bidirectional
 * overrides (the "Trojan source" characters). Everything else, emoji and right-to-left
 * text included, is written as is.
 */
export function needsEscape(c: number, next: number, prev: number): boolean {
  if (c < 32 || c === 127) return true
  if (c >= 0xd800 && c <= 0xdbff) return !(next >= 0xdc00 && next <= 0xdfff)
  if (c >= 0xdc00 && c <= 0xdfff) return !(prev >= 0xd800 && prev <= 0xdbff)
  return (
    c === 0x061c ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  )
}

/** True when `text` holds a character that must be escaped to be written safely. */
export function hasUnsafeChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (needsEscape(text.charCodeAt(i), text.charCodeAt(i + 1), i > 0 ? text.charCodeAt(i - 1) : -1))
      return true
  }
  return false
}

/** Quotes `text` with `"` (strings) or `` ` `` (ids that are not plain words). */
export function quote(text: string, q: '"' | '`' = '"'): string {
  const qc = q.charCodeAt(0)
  let plain = true
  for (let i = 0; i < text.length && plain; i++) {
    const c = text.charCodeAt(i)
    // Printable ASCII other than the quote and backslash is the common case: decide it inline.
    if (c >= 32 && c < 127) {
      if (c === qc || c === 92) plain = false
    } else if (needsEscape(c, text.charCodeAt(i + 1), i > 0 ? text.charCodeAt(i - 1) : -1)) plain = false
  }
  if (plain) return q + text + q
  const parts: string[] = [q]
  let chunk = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    let esc: string | null = null
    if (c === qc) esc = `\\${q}`
    else if (c === 92) esc = '\\\\'
    else if (c === 10) esc = '\\n'
    else if (c === 13) esc = '\\r'
    else if (c === 9) esc = '\\t'
    else if (needsEscape(c, text.charCodeAt(i + 1), i > 0 ? text.charCodeAt(i - 1) : -1)) {
      esc = `\\u${c.toString(16).padStart(4, '0')}`
    }
    if (esc === null) continue
    parts.push(text.slice(chunk, i), esc)
    chunk = i + 1
  }
  parts.push(text.slice(chunk), q)
  return parts.join('')
}
