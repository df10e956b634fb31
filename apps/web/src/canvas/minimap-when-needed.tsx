import { type ReactFlowState, useStore } from '@xyflow/react'
import type { ReactNode } from 'react'

type Box = { x1: number; y1: number; x2: number; y2: number }
const boundsOf = new WeakMap<ReactFlowState['nodes'], Box>()

/** The graph's extent, once per nodes array (the selector below runs on every pan frame). */
function graphBounds(s: ReactFlowState): Box {
  let b = boundsOf.get(s.nodes)
  if (b) return b
  b = { x1: Number.POSITIVE_INFINITY, y1: Number.POSITIVE_INFINITY, x2: -Infinity, y2: -Infinity }
  for (const n of s.nodeLookup.values()) {
    const p = n.internals.positionAbsolute
    b.x1 = Math.min(b.x1, p.x)
    b.y1 = Math.min(b.y1, p.y)
    b.x2 = Math.max(b.x2, p.x + (n.width ?? n.measured.width ?? 0))
    b.y2 = Math.max(b.y2, p.y + (n.height ?? n.measured.height ?? 0))
  }
  boundsOf.set(s.nodes, b)
  return b
}

/** True while some of the graph is outside the pane: only then does a minimap help. */
function outOfView(s: ReactFlowState): boolean {
  if (s.width === 0 || s.nodes.length === 0) return false
  const [tx, ty, zoom] = s.transform
  const b = graphBounds(s)
  return (
    b.x1 * zoom + tx < 0 || b.y1 * zoom + ty < 0 || b.x2 * zoom + tx > s.width || b.y2 * zoom + ty > s.height
  )
}

/** The minimap, shown only while part of the graph is out of view (so a fitted graph needs no room for it). */
export function MinimapWhenNeeded({ children }: { children: ReactNode }) {
  return useStore(outOfView) ? children : null
}
