import type { Workflow } from '../lib/engine'
import { takesOneBranch } from '../lib/specs'
import type { Rect, XY } from './adapters'
import { labelSize } from './label-size'

/**
 * Where each edge label sits: a box on its own edge's path, clear of every node, of every other
 * label and, where it can be, of other edges' lines (so "Predict" sits on the part of the path
 * that is its edge's alone, not on a trunk shared with two more). The canvas draws the label at
 * exactly this box (`width` set in CSS), so what the tests check is what the user sees.
 */
export interface LabelBox extends Rect {
  /** Centre, where the label element is translated to. */
  cx: number
  cy: number
}

const GAP = 4

const overlaps = (a: Rect, b: Rect, gap = 0) =>
  a.x < b.x + b.width + gap &&
  b.x < a.x + a.width + gap &&
  a.y < b.y + b.height + gap &&
  b.y < a.y + a.height + gap

function segmentHits(a: XY, b: XY, r: Rect): boolean {
  const x1 = Math.min(a.x, b.x)
  const x2 = Math.max(a.x, b.x)
  const y1 = Math.min(a.y, b.y)
  const y2 = Math.max(a.y, b.y)
  return x1 < r.x + r.width && x2 > r.x && y1 < r.y + r.height && y2 > r.y
}

export function placeLabels(
  graph: Workflow,
  routes: ReadonlyMap<string, { points: XY[] }>,
  nodes: ReadonlyMap<string, Rect>,
  groups: readonly Rect[],
): Map<string, LabelBox> {
  const decisions = new Set(graph.nodes.filter(takesOneBranch).map((n) => n.id))
  const placed = new Map<string, LabelBox>()
  // Group title bars hold the group's name: a label there hides it.
  const titles = groups.map((g) => ({ ...g, height: 36 }))
  const nodeList = [...nodes.values()]
  for (const e of graph.edges) {
    const pts = routes.get(e.id)?.points
    if (!e.label || !pts || pts.length < 2) continue
    const size = labelSize(e.label, decisions.has(e.source))
    let total = 0
    for (let i = 1; i < pts.length; i++)
      total += Math.abs(pts[i].x - pts[i - 1].x) + Math.abs(pts[i].y - pts[i - 1].y)
    // A branch condition reads best next to the decision it belongs to; other labels mid-way.
    const wanted = decisions.has(e.source) ? Math.min(total / 2, 24 + size.width / 2) : total / 2
    let best: { box: LabelBox; cost: number } | null = null
    let walked = 0
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]
      const b = pts[i]
      const len = Math.abs(b.x - a.x) + Math.abs(b.y - a.y)
      const horizontal = a.y === b.y
      for (const t of [0.5, 0.3, 0.7, 0.15, 0.85, 0]) {
        for (const side of [0, 1, -1]) {
          const at = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }
          // Beside the line when on it would cover something.
          if (side !== 0) {
            if (horizontal) at.y += side * (size.height / 2 + GAP)
            else at.x += side * (size.width / 2 + GAP)
          }
          const box: LabelBox = {
            x: Math.round(at.x - size.width / 2),
            y: Math.round(at.y - size.height / 2),
            ...size,
            cx: Math.round(at.x),
            cy: Math.round(at.y),
          }
          if ([...placed.values()].some((l) => overlaps(box, l, 2))) continue
          // On a node only where nothing else is free (a run shorter than its label).
          const onNodes = nodeList.filter((n) => overlaps(box, n, 2)).length
          let cost = Math.abs(walked + len * t - wanted) * 0.2 + (side ? 40 : 0) + onNodes * 1000
          // A label along a run too short for it covers the corners.
          if ((horizontal ? len < size.width + 8 : len < size.height + 8) && side === 0) cost += 30
          for (const [id, r] of routes) {
            if (id === e.id) continue
            for (let k = 1; k < r.points.length; k++)
              if (segmentHits(r.points[k - 1], r.points[k], box)) cost += 90
          }
          if (titles.some((g) => overlaps(box, g))) cost += 40
          if (!best || cost < best.cost) best = { box, cost }
        }
      }
      walked += len
    }
    // Every spot collides with a label already placed (rare): the first label keeps its place.
    if (best) placed.set(e.id, best.box)
  }
  return placed
}
