/**
 * Array parameters for PostgreSQL statements that take many rows at once (unnest).
 */

// Text arrays go to PostgreSQL as one string it splits at this ASCII record separator; an
// element that is exactly the unit separator stands for NULL. JSON never holds either raw.
const SEP = '\x1e'
const NULL_MARK = '\x1f'

/**
 * An array parameter, as the SQL that reads it. pg sends an array parameter as a literal with
 * every element escaped by two regex replaces: for the kilobytes of trace JSON in a commit,
 * that was a sixth of the server's busy time under load (and array_in unescapes it again).
 * Integers go as a literal built here; text as one string split by string_to_array, where a
 * leading separator keeps one empty element apart from none ([2:] drops what it adds). Text
 * holding a separator takes pg's escaping.
 */
export function arrayParam(items: unknown[], type: string, push: (value: unknown) => string): string {
  if (type === 'integer') return `${push(`{${items.map((v) => v ?? 'NULL').join(',')}}`)}::integer[]`
  const texts = items as (string | null | undefined)[]
  if (texts.some((t) => typeof t === 'string' && (t.includes(SEP) || t.includes(NULL_MARK))))
    return `${push(texts)}::${type}[]`
  const joined = SEP + texts.map((t) => t ?? NULL_MARK).join(SEP)
  return `(string_to_array(${push(joined)}::text, E'\\x1e', E'\\x1f'))[2:]`
}

/** Names for statements whose text varies among a few shapes: each connection prepares each once. */
export function statementNames(prefix: string): (text: string) => string | undefined {
  const names = new Map<string, string>()
  return (text) => {
    let name = names.get(text)
    // A bound, not a limit: there are a handful of shapes.
    if (!name && names.size < 64) {
      name = `${prefix}-${names.size + 1}`
      names.set(text, name)
    }
    return name
  }
}
