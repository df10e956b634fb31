import { degrees, effectiveType, getNodeSpec, type Issue, isErrorLabel, type Workflow } from './engine'

/**
 * Validation only the server can do, merged into a version's issues on save and checked
 * again at publish: connection references (the engine knows the ids, not the connections)
 * and the use of per-node error handling. Also strips credentials that older workflows kept
 * inline in Braze configs, so they never reach a stored version or an export.
 */
export interface ConnectionInfo {
  id: string
  name: string
  type: string
}

const TITLES: Record<string, string> = { braze: 'Braze', http: 'HTTP' }
// Pre-connection Braze configs carried these; the key must not survive a save.
const LEGACY_CREDENTIALS = ['apiKey', 'restEndpoint']

type Config = Record<string, unknown>
const configOf = (config: unknown): Config | null =>
  config && typeof config === 'object' && !Array.isArray(config) ? (config as Config) : null

export function connectionRules(catalog: ReadonlyMap<string, ConnectionInfo>) {
  return (input: Workflow): { model: Workflow; issues: Issue[] } => {
    const issues: Issue[] = []
    const degree = degrees(input)
    const nodes = input.nodes.map((node) => {
      const spec = getNodeSpec(effectiveType(node, degree.get(node.id)))
      const config = configOf(node.config)
      if (!spec?.connection || !config) return node
      const legacy = LEGACY_CREDENTIALS.filter((k) => k in config)
      const { field, type, required } = spec.connection
      const id = typeof config[field] === 'string' ? (config[field] as string).trim() : ''
      const where = { nodeId: node.id }
      if (id === '' && required) {
        issues.push({
          severity: 'error',
          code: 'connection-missing',
          message: `${node.id}: choose a ${TITLES[type]} connection (config.${field}); live runs cannot send without one`,
          ...where,
        })
      } else if (id !== '') {
        const found = catalog.get(id)
        if (!found) {
          issues.push({
            severity: 'error',
            code: 'connection-not-found',
            message: `${node.id}: connection "${id}" does not exist (deleted?); choose another one`,
            ...where,
          })
        } else if (found.type !== type) {
          issues.push({
            severity: 'error',
            code: 'connection-wrong-type',
            message: `${node.id}: connection "${found.name}" is a ${TITLES[found.type] ?? found.type} connection; ${spec.title} needs a ${TITLES[type]} connection`,
            ...where,
          })
        }
      }
      if (legacy.length === 0) return node
      issues.push({
        severity: 'warning',
        code: 'inline-credentials-removed',
        message: `${node.id}: removed ${legacy.join(' and ')} from the step: credentials live in connections now`,
        ...where,
      })
      return {
        ...node,
        config: Object.fromEntries(Object.entries(config).filter(([k]) => !legacy.includes(k))),
      }
    })
    errorBranchIssues(input, issues)
    return { model: { ...input, nodes }, issues }
  }
}

/** An `error` edge only runs when its source continues on errors; a continue without one ends the branch. */
function errorBranchIssues(model: Workflow, issues: Issue[]) {
  const degree = degrees(model)
  const byId = new Map(model.nodes.map((n) => [n.id, n]))
  const withErrorEdge = new Set<string>()
  for (const edge of model.edges) {
    const source = byId.get(edge.source)
    if (!source || !isErrorLabel(edge.label)) continue
    const type = effectiveType(source, degree.get(source.id))
    if (type === 'decision') continue
    withErrorEdge.add(source.id)
    if (configOf(source.config)?.onError !== 'continue') {
      issues.push({
        severity: 'warning',
        code: 'error-edge-unused',
        message: `edge ${edge.id} is labelled "error", but ${source.id} does not continue on errors, so it never runs: set ${source.id}'s onError to "continue"`,
        nodeId: source.id,
        edgeId: edge.id,
      })
    }
  }
  for (const node of model.nodes) {
    if (configOf(node.config)?.onError !== 'continue' || withErrorEdge.has(node.id)) continue
    issues.push({
      severity: 'warning',
      code: 'error-branch-missing',
      message: `${node.id} continues on errors but has no outgoing edge labelled "error": after a failure its branch ends there`,
      nodeId: node.id,
    })
  }
}

/**
 * New workflows from a template start with empty connection fields; when exactly one
 * connection of the needed type exists there is nothing to choose, so it is filled in.
 */
export function fillSoleConnections(model: Workflow, catalog: ReadonlyMap<string, ConnectionInfo>): Workflow {
  const byType = new Map<string, ConnectionInfo[]>()
  for (const c of catalog.values()) byType.set(c.type, [...(byType.get(c.type) ?? []), c])
  const degree = degrees(model)
  return {
    ...model,
    nodes: model.nodes.map((node) => {
      const link = getNodeSpec(effectiveType(node, degree.get(node.id)))?.connection
      const config = configOf(node.config)
      const only = link ? byType.get(link.type) : undefined
      if (!link?.required || !config || config[link.field] || only?.length !== 1) return node
      return { ...node, config: { ...config, [link.field]: only[0].id } }
    }),
  }
}
