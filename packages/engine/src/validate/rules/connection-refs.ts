import { type ConnectionType, connectionKinds } from '../../nodes/shared/connections'
import { needsConnection } from '../../nodes/spec'
import type { Rule } from '../context'
import { error } from '../issue'

const title = (type: string) => connectionKinds[type as ConnectionType]?.title ?? type

const configOf = (config: unknown): Record<string, unknown> | null =>
  config && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : null

/**
 * A step that sends through a connection (`spec.connection`) must name one that exists and
 * has the right type; a required one must be chosen, or live runs cannot send. Runs only when
 * the caller knows the connections (`validate(model, { connections })`).
 */
export const connectionRefs: Rule = (ctx, issues) => {
  const catalog = ctx.connections
  if (catalog === null) return
  const { nodes } = ctx.workflow
  for (let i = 0; i < nodes.length; i++) {
    const spec = ctx.specs[i]
    const link = spec?.connection
    if (!spec || !link) continue
    const node = nodes[i]
    const value = configOf(node.config)?.[link.field]
    const id = typeof value === 'string' ? value.trim() : ''
    const where = { nodeId: node.id }
    if (id === '') {
      if (needsConnection(spec, node.config))
        issues.push(
          error(
            'connection-missing',
            `${node.id}: choose a ${title(link.type)} connection (config.${link.field}); live runs cannot send without one`,
            where,
          ),
        )
      continue
    }
    const found = catalog.get(id)
    if (!found)
      issues.push(
        error(
          'connection-not-found',
          `${node.id}: connection "${id}" does not exist (deleted?); choose another one`,
          where,
        ),
      )
    else if (found.type !== link.type)
      issues.push(
        error(
          'connection-wrong-type',
          `${node.id}: connection "${found.name}" is a ${title(found.type)} connection; ${spec.title} needs a ${title(link.type)} connection`,
          where,
        ),
      )
  }
}
