import { type IconName, typeIcon } from '../ui/icons'
import type { WorkflowNode } from './engine'
import { type NodeSpec, nodeSpecs } from './engine'

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

export function iconFor(node: Pick<WorkflowNode, 'type' | 'shape'>): IconName {
  return typeIcon(node.type, node.type ? specById.get(node.type)?.category : undefined, node.shape)
}

export function isDecisionNode(node: Pick<WorkflowNode, 'type' | 'shape'>): boolean {
  return node.type === 'decision' || (!node.type && node.shape === 'diamond')
}
