/**
 * How deep JSON from outside may nest (webhook and Segment events, tRPC inputs): as deep as
 * the notation allows in its JSON values (the engine's lexer, MAX_JSON_DEPTH). Parsing deeper
 * JSON is cheap, but serializing it, cloning it into a run thread or walking it recursively
 * overflows the stack: a 400 with this reason is the answer, never a 500.
 */
export const MAX_JSON_DEPTH = 1000
/** tRPC inputs wrap such values (a model's node config sits 4 levels down). */
export const MAX_INPUT_DEPTH = MAX_JSON_DEPTH + 16

/** True when `value` nests objects or arrays more than `max` levels; never recurses deeper than that. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false
  if (max <= 0) return true
  if (Array.isArray(value)) {
    for (const item of value) if (nestedDeeperThan(item, max - 1)) return true
    return false
  }
  for (const key in value) if (nestedDeeperThan((value as Record<string, unknown>)[key], max - 1)) return true
  return false
}

export const tooDeepMessage = (what: string, max = MAX_JSON_DEPTH) =>
  `${what} is nested deeper than ${max} levels`
