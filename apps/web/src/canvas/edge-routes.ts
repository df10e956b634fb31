import type { Side, Workflow, WorkflowEdge } from '../lib/engine'
import { groupRects, handlePoint, nodeSize, positionOf, type Rect, type XY } from './adapters'
import { type LabelBox, placeLabels } from './edge-labels'
import { createRouter, type Obstacle } from './edge-router'

/**
 * Every edge's drawn path and label box, computed from node positions alone: the editor, the
 * audit and diff canvases and the gallery previews all draw these, so an edge looks the same
 * in every view, after a text edit and on reopen. A pure function of the model (cached per
 * model object), cheap enough to run on every change of graphs up to ROUTE_LIMIT nodes.
 */
export interface EdgeGeometry {
  /** From the source handle to the target handle, orthogonal. */
  points: XY[]
  label?: LabelBox
}

/** Past this many nodes routes are not computed (each edge falls back to a simple step path). */
export const ROUTE_LIMIT = 250
/** How far routes keep from node boxes (and where they leave a handle to turn). */
export const NODE_MARGIN = 14
const GROUP_MARGIN = 6

const cache = new WeakMap<Workflow, ReadonlyMap<string, EdgeGeometry>>()

export function edgeGeometry(graph: Workflow): ReadonlyMap<string, EdgeGeometry> {
  let out = cache.get(graph)
  if (!out) {
    out = computeGeometry(graph)
    cache.set(graph, out)
  }
  return out
}

const OUT: Record<Side, XY> = {
  top: { x: 0, y: -1 },
  right: { x: 1, y: 0 },
  bottom: { x: 0, y: 1 },
  left: { x: -1, y: 0 },
}
const round = (p: XY): XY => ({ x: Math.round(p.x), y: Math.round(p.y) })

/** The node's boxes by id, as the canvas draws them. */
export function nodeBoxes(graph: Workflow): Map<string, Rect> {
  const boxes = new Map<string, Rect>()
  graph.nodes.forEach((n, i) => {
    boxes.set(n.id, { ...positionOf(n, i), ...nodeSize(n) })
  })
  return boxes
}

function computeGeometry(graph: Workflow): Map<string, EdgeGeometry> {
  const out = new Map<string, EdgeGeometry>()
  if (graph.nodes.length > ROUTE_LIMIT) return out
  const boxes = nodeBoxes(graph)
  const groups = [...groupRects(graph)].filter(([id]) => graph.nodes.some((n) => n.group === id))
  const obstacles: Obstacle[] = []
  for (const [id, b] of boxes) obstacles.push(inflate(id, b, NODE_MARGIN))
  for (const [id, r] of groups) obstacles.push(inflate(`group:${id}`, r, GROUP_MARGIN))

  const byId = new Map(graph.nodes.map((n) => [n.id, n]))
  const ends = (e: WorkflowEdge) => {
    const s = byId.get(e.source)
    const t = byId.get(e.target)
    if (!s || !t) return null
    const from = round(handlePoint(s, e.sourceHandle, boxes.get(s.id)!))
    const to = round(handlePoint(t, e.targetHandle, boxes.get(t.id)!))
    return { from, to, fromPort: port(from, e.sourceHandle), toPort: port(to, e.targetHandle), s, t }
  }
  const endsOf = new Map(graph.edges.map((e) => [e.id, ends(e)]))
  const ports = [...endsOf.values()].flatMap((x) => (x ? [x.fromPort, x.toPort] : []))
  const router = createRouter(obstacles, ports)
  for (const e of graph.edges) {
    const end = endsOf.get(e.id)
    if (!end) continue
    // An edge may cross the border of the groups its ends belong to, and no other.
    const passable = new Set<string>()
    if (end.s.group) passable.add(`group:${end.s.group}`)
    if (end.t.group) passable.add(`group:${end.t.group}`)
    const allGroups = new Set([...passable, ...groups.map(([id]) => `group:${id}`)])
    const middle =
      router.route(end.fromPort, e.sourceHandle, end.toPort, e.targetHandle, passable) ??
      router.route(end.fromPort, e.sourceHandle, end.toPort, e.targetHandle, allGroups) ??
      elbow(end.fromPort, end.toPort)
    out.set(e.id, { points: simplify([end.from, ...middle, end.to]) })
  }
  const labels = placeLabels(
    graph,
    out,
    boxes,
    groups.map(([, r]) => r),
  )
  for (const [id, label] of labels) {
    const g = out.get(id)
    if (g) g.label = label
  }
  return out
}

function inflate(key: string, r: Rect, m: number): Obstacle {
  return {
    key,
    x1: Math.round(r.x - m),
    y1: Math.round(r.y - m),
    x2: Math.round(r.x + r.width + m),
    y2: Math.round(r.y + r.height + m),
  }
}

/** Where a route turns after leaving a handle: on the node's margin line. */
function port(handle: XY, side: Side): XY {
  // handlePoint already sits 6px out (half a handle); the margin line is the rest of the way.
  const d = NODE_MARGIN - 6
  return { x: handle.x + OUT[side].x * d, y: handle.y + OUT[side].y * d }
}

const elbow = (a: XY, b: XY): XY[] => [a, { x: b.x, y: a.y }, b]

/** Drops repeated points and points in the middle of a straight run. */
export function simplify(points: readonly XY[]): XY[] {
  const out: XY[] = []
  for (const p of points) {
    const last = out[out.length - 1]
    if (last && last.x === p.x && last.y === p.y) continue
    const before = out[out.length - 2]
    if (
      before &&
      last &&
      ((before.x === last.x && last.x === p.x) || (before.y === last.y && last.y === p.y))
    )
      out.pop()
    out.push(p)
  }
  return out
}

export function sameGeometry(a: EdgeGeometry, b: EdgeGeometry): boolean {
  if (a.points.length !== b.points.length) return false
  for (let i = 0; i < a.points.length; i++)
    if (a.points[i].x !== b.points[i].x || a.points[i].y !== b.points[i].y) return false
  const la = a.label
  const lb = b.label
  return la === lb || (!!la && !!lb && la.cx === lb.cx && la.cy === lb.cy && la.width === lb.width)
}
