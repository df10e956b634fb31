/** How a field holds data: a JSONata expression, or text with `{{ expr }}` parts. */
export type TokenKind = 'expression' | 'template'

const BARE_PATH = /^[A-Za-z_$][\w$]*(?:\.(?:[A-Za-z_$][\w$]*|`[^`]*`))*$/
const PATH_CHAR = /[\w$.`]/

/** Is the text one field reference (`event.userId`), nothing else? */
export const isBarePath = (text: string) => BARE_PATH.test(text.trim())

/** Is the caret inside an open `{{ … }}` of a template? */
export function insideTemplatePart(text: string, caret: number): boolean {
  const before = text.slice(0, caret)
  return before.lastIndexOf('{{') > before.lastIndexOf('}}')
}

/** The field reference the caret sits in or right after (`event.us|erId`), as a range. */
function pathAround(text: string, caret: number): { start: number; end: number } | null {
  let start = caret
  while (start > 0 && PATH_CHAR.test(text[start - 1])) start--
  let end = caret
  while (end < text.length && PATH_CHAR.test(text[end])) end++
  return start < end && isBarePath(text.slice(start, end)) ? { start, end } : null
}

/**
 * The field's text with a picked path inserted, and where the cursor goes after it — never
 * losing text by accident:
 * - a selection is replaced (the person chose what goes);
 * - in an expression, a caret in or right after a field reference swaps that reference
 *   (`event.userId|` + pick → the picked field, not `event.userIdevent.…`);
 * - otherwise the token goes in at the caret;
 * - without a caret (the field was never clicked), an expression that is empty or one field
 *   reference is replaced, anything else gets the token appended.
 * Templates get `{{ path }}`, or the bare path when the caret is already inside `{{ }}`.
 */
export function insertToken(
  value: string,
  path: string,
  kind: TokenKind,
  selection: { start: number; end: number } | null,
): { value: string; cursor: number } {
  const splice = (start: number, end: number, token: string) => ({
    value: value.slice(0, start) + token + value.slice(end),
    cursor: start + token.length,
  })
  if (selection) {
    const start = Math.max(0, Math.min(selection.start, value.length))
    const end = Math.max(start, Math.min(selection.end, value.length))
    const bare = kind === 'expression' || insideTemplatePart(value, start)
    const token = bare ? path : `{{ ${path} }}`
    if (start === end && bare) {
      const around = pathAround(value, start)
      if (around) return splice(around.start, around.end, path)
    }
    return splice(start, end, token)
  }
  if (kind === 'expression' && (value.trim() === '' || isBarePath(value)))
    return { value: path, cursor: path.length }
  const token = kind === 'template' ? `{{ ${path} }}` : path
  const glue = value === '' || /[\s([{]$/.test(value) ? '' : ' '
  const next = `${value}${glue}${token}`
  return { value: next, cursor: next.length }
}

/** The partly typed field reference before the caret, for autocomplete; null when there is none. */
export function typedPathBefore(
  text: string,
  caret: number,
  kind: TokenKind,
): { start: number; typed: string } | null {
  if (kind === 'template' && !insideTemplatePart(text, caret)) return null
  let start = caret
  while (start > 0 && PATH_CHAR.test(text[start - 1])) start--
  const typed = text.slice(start, caret)
  return /^[A-Za-z_$]/.test(typed) ? { start, typed } : null
}
