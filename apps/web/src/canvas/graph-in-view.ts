import { type ReactFlowState, useStore } from '@xyflow/react'

/**
 * Whether every node is fully inside the visible pane. The minimap is only a way to reach what
 * is out of view: with the whole graph on screen it would only cover a corner of it.
 */
function wholeGraphInView(s: ReactFlowState): boolean {
  const [tx, ty, zoom] = s.transform
  const left = -tx / zoom
  const top = -ty / zoom
  const right = left + s.width / zoom
  const bottom = top + s.height / zoom
  for (const n of s.nodeLookup.values()) {
    const { x, y } = n.internals.positionAbsolute
    const w = n.measured.width ?? n.width ?? 0
    const h = n.measured.height ?? n.height ?? 0
    if (x < left || y < top || x + w > right || y + h > bottom) return false
  }
  return true
}

/** A boolean selector: components re-render only when the answer changes, not on every pan frame. */
export const useWholeGraphInView = (): boolean => useStore(wholeGraphInView)
