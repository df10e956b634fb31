import { getSmoothStepPath, type Position } from '@xyflow/react'
import type { XY } from './adapters'
import type { EdgeGeometry } from './edge-routes'

/**
 * The path every canvas (editor, audit, diff) draws for an edge: its routed geometry (see
 * edge-routes.ts) while both ends are where the model puts them, and a plain step path only
 * in between (while a node is being dragged, before the drop updates the model).
 */
export interface DrawnEdge {
  path: string
  labelX: number
  labelY: number
  /** The label's width when it was placed by the router (the element is drawn that wide). */
  labelWidth?: number
}

export function drawnEdge(
  ends: {
    sourceX: number
    sourceY: number
    targetX: number
    targetY: number
    sourcePosition: Position
    targetPosition: Position
  },
  geometry: EdgeGeometry | undefined,
): DrawnEdge {
  const pts = geometry?.points
  const from = { x: ends.sourceX, y: ends.sourceY }
  const to = { x: ends.targetX, y: ends.targetY }
  if (pts && pts.length >= 2 && near(pts[0], from) && near(pts[pts.length - 1], to)) {
    const [path, x, y] = roundedPath(snapEnds(pts, from, to), 10)
    const label = geometry.label
    return label
      ? { path, labelX: label.cx, labelY: label.cy, labelWidth: label.width }
      : { path, labelX: x, labelY: y }
  }
  const [path, labelX, labelY] = getSmoothStepPath({ ...ends, borderRadius: 10, offset: 18 })
  return { path, labelX, labelY }
}

// Routes are computed on whole pixels from the declared handle size; a handle drawn a few
// pixels smaller (or rounding) moves an end slightly, a moved node moves it a lot.
const near = (a: XY, b: XY) => Math.abs(a.x - b.x) <= 6 && Math.abs(a.y - b.y) <= 6

/** The route with its ends exactly on the drawn handles, the first and last runs kept straight. */
function snapEnds(pts: readonly XY[], from: XY, to: XY): XY[] {
  if (pts.length === 2) return [from, to]
  const out = pts.map((p) => ({ ...p }))
  const last = out.length - 1
  if (out[0].x === out[1].x) out[1].x = from.x
  else out[1].y = from.y
  if (out[last].x === out[last - 1].x) out[last - 1].x = to.x
  else out[last - 1].y = to.y
  out[0] = { ...from }
  out[last] = { ...to }
  return out
}

/**
 * An orthogonal polyline with rounded corners, and the middle of its length (for the label).
 * Points a pixel or two off the line before or after (rounding, handle vs. port) are aligned.
 */
export function roundedPath(input: readonly XY[], radius: number): [string, number, number] {
  const pts: XY[] = []
  for (const p of input) {
    const q = { ...p }
    const prev = pts[pts.length - 1]
    if (prev && Math.abs(q.x - prev.x) < 3) q.x = prev.x
    if (prev && Math.abs(q.y - prev.y) < 3) q.y = prev.y
    if (prev && q.x === prev.x && q.y === prev.y) continue
    // Drop a point in the middle of a straight run.
    const before = pts[pts.length - 2]
    if (
      before &&
      prev &&
      (before.x === prev.x) === (prev.x === q.x) &&
      (before.y === prev.y) === (prev.y === q.y)
    )
      pts.pop()
    pts.push(q)
  }
  // The end stays exactly on the handle: the last turn moves to meet it instead (never the
  // start, which stays on its own handle: a two-point line keeps its jog of a pixel or two).
  const end = input[input.length - 1]
  const last = pts[pts.length - 1]
  const turn = pts[pts.length - 2]
  if (turn && (last.x !== end.x || last.y !== end.y)) {
    if (pts.length > 2 && turn.x === last.x) turn.x = end.x
    else if (pts.length > 2) turn.y = end.y
    pts[pts.length - 1] = { ...end }
  }
  const len = (a: XY, b: XY) => Math.hypot(b.x - a.x, b.y - a.y)
  let d = `M ${pts[0].x},${pts[0].y}`
  for (let i = 1; i < pts.length - 1; i++) {
    const [a, p, b] = [pts[i - 1], pts[i], pts[i + 1]]
    const r = Math.min(radius, len(a, p) / 2, len(p, b) / 2)
    const s = { x: p.x + ((a.x - p.x) / len(a, p)) * r, y: p.y + ((a.y - p.y) / len(a, p)) * r }
    const e = { x: p.x + ((b.x - p.x) / len(p, b)) * r, y: p.y + ((b.y - p.y) / len(p, b)) * r }
    d += ` L ${s.x},${s.y} Q ${p.x},${p.y} ${e.x},${e.y}`
  }
  d += ` L ${pts[pts.length - 1].x},${pts[pts.length - 1].y}`
  let total = 0
  for (let i = 1; i < pts.length; i++) total += len(pts[i - 1], pts[i])
  let half = total / 2
  for (let i = 1; i < pts.length; i++) {
    const l = len(pts[i - 1], pts[i])
    if (half <= l && l > 0) {
      const t = half / l
      return [d, pts[i - 1].x + (pts[i].x - pts[i - 1].x) * t, pts[i - 1].y + (pts[i].y - pts[i - 1].y) * t]
    }
    half -= l
  }
  return [d, pts[0].x, pts[0].y]
}
