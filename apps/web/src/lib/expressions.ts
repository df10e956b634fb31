import { expressionError } from './engine'

/**
 * Checks a `{{ expr }}` text template: every embedded expression must compile and every
 * `{{` must be closed. Returns the first problem, or null.
 */
export function templateError(text: string): string | null {
  let i = 0
  while (i < text.length) {
    const open = text.indexOf('{{', i)
    if (open < 0) return null
    const close = text.indexOf('}}', open + 2)
    if (close < 0) return 'A "{{" is not closed with "}}"'
    const expr = text.slice(open + 2, close)
    if (expr.trim() === '') return 'Empty {{ }}'
    const err = expressionError(expr)
    if (err) return `{{${expr}}}: ${err}`
    i = close + 2
  }
  return null
}
