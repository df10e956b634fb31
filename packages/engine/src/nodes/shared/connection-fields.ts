import { degrees, effectiveType } from '../../model/node-kind'
import type { Workflow } from '../../model/schema'
import { type Issue, warning } from '../../validate/issue'
import { needsConnection } from '../spec'
import { getNodeSpec } from '../specs'
import type { ConnectionInfo } from './connections'

// Pre-connection Braze configs carried these; the key must not survive a save.
const LEGACY_CREDENTIALS = ['apiKey', 'restEndpoint']

type Config = Record<string, unknown>
const configOf = (config: unknown): Config | null =>
  config && typeof config === 'object' && !Array.isArray(config) ? (config as Config) : null

/**
 * Steps of connection-using types that still hold credentials inline (configs from before
 * connections): the model without them, and a warning per step saying what was removed.
 */
export function dropInlineCredentials(model: Workflow): { model: Workflow; issues: Issue[] } {
  const issues: Issue[] = []
  const degree = degrees(model)
  let changed = false
  const nodes = model.nodes.map((node) => {
    const spec = getNodeSpec(effectiveType(node, degree.get(node.id)))
    const config = configOf(node.config)
    if (!spec?.connection || !config) return node
    const legacy = LEGACY_CREDENTIALS.filter((k) => k in config)
    if (legacy.length === 0) return node
    changed = true
    issues.push(
      warning(
        'inline-credentials-removed',
        `${node.id}: removed ${legacy.join(' and ')} from the step: credentials live in connections now`,
        { nodeId: node.id },
      ),
    )
    return {
      ...node,
      config: Object.fromEntries(Object.entries(config).filter(([k]) => !legacy.includes(k))),
    }
  })
  return { model: changed ? { ...model, nodes } : model, issues }
}

/**
 * New workflows from a template start with empty connection fields; when exactly one
 * connection of the needed type exists there is nothing to choose, so it is filled in.
 */
export function fillSoleConnections(model: Workflow, connections: Iterable<ConnectionInfo>): Workflow {
  const byType = new Map<string, ConnectionInfo[]>()
  for (const c of connections) byType.set(c.type, [...(byType.get(c.type) ?? []), c])
  const degree = degrees(model)
  return {
    ...model,
    nodes: model.nodes.map((node) => {
      const spec = getNodeSpec(effectiveType(node, degree.get(node.id)))
      const link = spec?.connection
      const config = configOf(node.config)
      const only = link ? byType.get(link.type) : undefined
      if (!link || !needsConnection(spec, config) || !config || config[link.field] || only?.length !== 1)
        return node
      return { ...node, config: { ...config, [link.field]: only[0].id } }
    }),
  }
}
