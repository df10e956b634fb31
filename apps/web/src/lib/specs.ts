import type { IconSource } from '../ui/icons'
import type { WorkflowNode } from './engine'
import { effectiveType, type NodeSpec, nodeSpecs, routesOne } from './engine'

/** The engine's node-type registry, as a list and by id. */
export const specList: NodeSpec[] = (
  Array.isArray(nodeSpecs) ? nodeSpecs : Object.values(nodeSpecs as Record<string, NodeSpec>)
) as NodeSpec[]
export const specById = new Map(specList.map((s) => [s.id, s]))

export const CATEGORY_ORDER = ['trigger', 'flow', 'data', 'integration', 'messaging'] as const
export const CATEGORY_TITLE: Record<string, string> = {
  trigger: 'Triggers',
  flow: 'Flow control',
  data: 'Data',
  integration: 'Integrations',
  messaging: 'Messaging',
}

/**
 * The spec a node runs as. Untyped nodes go by shape (DESIGN §4): a diamond decides, a
 * rectangle passes through; an untyped circle is a start or an end depending on its edges,
 * so it has no spec here.
 */
export function specOf(node: Pick<WorkflowNode, 'type' | 'shape'>): NodeSpec | undefined {
  if (!node.type && node.shape === 'circle') return undefined
  return specById.get(effectiveType(node as WorkflowNode, undefined))
}

/** A node's icon: its type's own picture, a dot for an untyped circle, an arrow for an unknown type. */
export function iconFor(node: Pick<WorkflowNode, 'type' | 'shape'>): IconSource {
  const spec = specOf(node)
  if (spec) return { path: spec.icon }
  return node.shape === 'circle' && !node.type ? 'dot' : 'arrow'
}

/** The node takes exactly one of its outgoing edges (`routing: 'one'`): its edges are branches. */
export function takesOneBranch(node: Pick<WorkflowNode, 'type' | 'shape'>): boolean {
  return routesOne(specOf(node))
}

/** What a mock of the node starts from: its type's example output. */
export function exampleOutputOf(node: Pick<WorkflowNode, 'type' | 'shape'> | undefined): unknown {
  return (node && specOf(node)?.exampleOutput) ?? {}
}
