import type { NodeSpec } from '../../nodes/spec'
import type { Rule } from '../context'
import { error } from '../issue'
import { subjectOf } from './decision-subject'

// A type's default config is checked once, not once per node that relies on it.
const defaultProblems = new WeakMap<NodeSpec, string | null>()

/** Configs must satisfy their type's schema; a missing config means the type's defaults, as in the executor. */
export const nodeConfig: Rule = (ctx, issues) => {
  const { nodes } = ctx.workflow
  for (let i = 0; i < nodes.length; i++) {
    const spec = ctx.specs[i]
    const node = nodes[i]
    if (spec === undefined) continue
    // A decision without a subject is reported once, by the subject rule.
    if (ctx.kinds[i] === 'decision' && subjectOf(node) === null) continue
    let problem: string | null
    if (node.config !== undefined) problem = check(spec, node.config)
    else if (defaultProblems.has(spec)) problem = defaultProblems.get(spec) ?? null
    else {
      problem = check(spec, spec.defaultConfig)
      defaultProblems.set(spec, problem)
    }
    if (problem !== null)
      issues.push(error('config-invalid', `${node.id} (${spec.id}): ${problem}`, { nodeId: node.id }))
  }
}

function check(spec: NodeSpec, config: unknown): string | null {
  const result = spec.configSchema.safeParse(config)
  if (result.success) return null
  const problems = result.error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.length > 0 ? `config.${issue.path.map(String).join('.')}: ` : 'config: '
    return `${path}${issue.message}`
  })
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : ''
  return `${problems.join('; ')}${more}`
}
