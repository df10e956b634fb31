import type { Workflow, WorkflowNode } from '../lib/engine'
import { nodeSize } from './sizes'

const GAP = 48

/**
 * Places the few nodes that have no position (e.g. added through the API or notation to a
 * laid-out graph) beside what is there, leaving every placed node where it is: a diff of two
 * versions then shows the editor's picture, not a fresh layout. A node of a group goes right of
 * its group's nodes, a loose one in a row below the graph.
 */
export function placeMissing(graph: Workflow): Workflow {
  const placed = graph.nodes.filter((n) => n.position)
  if (placed.length === graph.nodes.length) return graph
  let bottom = 0
  let left = Number.POSITIVE_INFINITY
  for (const n of placed) {
    bottom = Math.max(bottom, n.position!.y + nodeSize(n).height)
    left = Math.min(left, n.position!.x)
  }
  if (!Number.isFinite(left)) left = 0
  const rightOf = new Map<string, { x: number; y: number }>()
  for (const n of placed) {
    if (!n.group) continue
    const r = rightOf.get(n.group)
    const x = n.position!.x + nodeSize(n).width + GAP
    if (!r || x > r.x) rightOf.set(n.group, { x, y: r ? Math.min(r.y, n.position!.y) : n.position!.y })
    else r.y = Math.min(r.y, n.position!.y)
  }
  let rowX = left
  const rowY = bottom + 96 // below the last group's padding and title
  const nodes = graph.nodes.map((n): WorkflowNode => {
    if (n.position) return n
    const slot = n.group ? rightOf.get(n.group) : undefined
    if (slot) {
      const position = { ...slot }
      slot.x += nodeSize(n).width + GAP
      return { ...n, position }
    }
    const position = { x: rowX, y: rowY }
    rowX += nodeSize(n).width + GAP
    return { ...n, position }
  })
  return { ...graph, nodes }
}
