import type { WorkflowNode } from '../lib/engine'

/** Node and group box sizes, shared by the canvas, auto-layout (in its worker) and the router. */
type Shape = WorkflowNode['shape']

export const NODE_SIZE: Record<Shape, { width: number; height: number }> = {
  // Room for three lines of 14px text (node-shapes.tsx): labels are never cut.
  rectangle: { width: 168, height: 56 },
  circle: { width: 60, height: 60 },
  diamond: { width: 140, height: 80 },
}
export const GROUP_PADDING = { top: 44, right: 20, bottom: 20, left: 20 }
export const EMPTY_GROUP_SIZE = { width: 260, height: 140 }
export const GRID = 8

export function nodeSize(node: Pick<WorkflowNode, 'shape'>) {
  return NODE_SIZE[node.shape]
}

/** A group box is at least as wide as its title (14px, group-node.tsx), so the title is never cut. */
export function groupMinWidth(title: string): number {
  return Math.ceil(title.length * 8.2 + 56)
}
