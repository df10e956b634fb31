import { groupRects, nodeSize, type Rect, type XY } from '../../canvas/adapters'
import { edgeGeometry } from '../../canvas/edge-routes'
import type { Workflow, WorkflowNode } from '../../lib/engine'

/**
 * What a gallery card draws of a template: group boxes, node boxes and edge polylines in
 * canvas coordinates, from the same auto-layout the editor runs when the template opens, so
 * the thumbnail is the picture the user then gets, edges routed as every canvas routes them. Plain data: a static SVG, no React Flow.
 */
export interface PreviewGeometry {
  viewBox: Rect
  groups: Rect[]
  nodes: (Rect & { id: string; shape: WorkflowNode['shape'] })[]
  edges: { id: string; points: XY[] }[]
}

const MARGIN = 16

/** `laid`: a model whose nodes all have positions (autoLayout's result). */
export function previewGeometry(laid: Workflow): PreviewGeometry {
  const nodes = laid.nodes.flatMap((n) =>
    n.position ? [{ id: n.id, shape: n.shape, ...n.position, ...nodeSize(n) }] : [],
  )
  // An empty group would be a box parked below the graph: nothing to preview.
  const groups = [...groupRects(laid)]
    .filter(([id]) => laid.nodes.some((n) => n.group === id))
    .map(([, rect]) => rect)
  const routes = edgeGeometry(laid)
  const edges = laid.edges.flatMap((e) => {
    const route = routes.get(e.id)
    return route ? [{ id: e.id, points: route.points }] : []
  })

  let x1 = Number.POSITIVE_INFINITY
  let y1 = Number.POSITIVE_INFINITY
  let x2 = Number.NEGATIVE_INFINITY
  let y2 = Number.NEGATIVE_INFINITY
  // Routes may swing around a group's box, outside every box: they count too.
  const extents = [
    ...groups,
    ...nodes,
    ...edges.flatMap((e) => e.points.map((p) => ({ ...p, width: 0, height: 0 }))),
  ]
  for (const r of extents) {
    x1 = Math.min(x1, r.x)
    y1 = Math.min(y1, r.y)
    x2 = Math.max(x2, r.x + r.width)
    y2 = Math.max(y2, r.y + r.height)
  }
  const viewBox =
    x1 === Number.POSITIVE_INFINITY
      ? { x: 0, y: 0, width: 1, height: 1 }
      : { x: x1 - MARGIN, y: y1 - MARGIN, width: x2 - x1 + 2 * MARGIN, height: y2 - y1 + 2 * MARGIN }
  return { viewBox, groups, nodes, edges }
}
