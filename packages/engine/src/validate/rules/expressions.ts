import { expressionError } from '../../expressions/compile'
import { prepareTemplate } from '../../expressions/template-string'
import type { Rule } from '../context'
import { error } from '../issue'

/**
 * Expressions in configs must compile (JSONata, compiled once and cached by text, so the
 * executor reuses the work). A field holds an expression, or a name → expression map
 * (transform vars); template fields hold text with {{ expr }} parts.
 */
export const expressions: Rule = (ctx, issues) => {
  const { nodes } = ctx.workflow
  for (let i = 0; i < nodes.length; i++) {
    const spec = ctx.specs[i]
    const config = nodes[i].config
    if (spec === undefined || config === null || typeof config !== 'object' || Array.isArray(config)) continue
    const values = config as Record<string, unknown>
    const nodeId = nodes[i].id
    for (const field of spec.expressionFields ?? []) {
      for (const [name, text] of entries(field, values[field])) {
        if (text.trim() === '') continue
        const problem = expressionError(text)
        if (problem !== null)
          issues.push(
            error('expression-invalid', `${nodeId}: ${name} does not compile: ${problem}`, { nodeId }),
          )
      }
    }
    for (const field of spec.templateFields ?? []) {
      for (const [name, text] of entries(field, values[field])) {
        try {
          prepareTemplate(text)
        } catch (err) {
          issues.push(
            error(
              'expression-invalid',
              `${nodeId}: ${name} has a bad {{ }} part: ${(err as Error).message}`,
              { nodeId },
            ),
          )
        }
      }
    }
  }
}

/** The strings a field holds: itself, or each value of a name → text map. */
function entries(field: string, value: unknown): [string, string][] {
  if (typeof value === 'string') return [[field, value]]
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return []
  const out: [string, string][] = []
  for (const [key, text] of Object.entries(value))
    if (typeof text === 'string') out.push([`${field}.${key}`, text])
  return out
}
