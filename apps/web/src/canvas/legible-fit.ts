import type { ReactFlowInstance, Rect } from '@xyflow/react'

/**
 * The zoom a canvas opens at: the whole graph when it fits at a zoom where text can still be
 * read, otherwise a legible zoom with the graph's top-left (where a flow starts) in view. A
 * plain fit shrank a 23-step template to 0.28 (3 px text); the minimap and "fit view" are
 * there to see it whole.
 */
// Canvas text is 13–14 px (node-shapes.tsx, label-size.ts): ≥ 11 px on screen from here up.
export const LEGIBLE_ZOOM = 0.85
// Down to this zoom (≥ 9 px text) the whole graph is shown rather than a part of it.
export const WHOLE_FIT_MIN = 0.7

export interface Padding {
  top: number
  right: number
  bottom: number
  left: number
}

/** The viewport for `bounds` in a pane of `width`×`height` (pure, so it is testable). */
export function legibleViewport(
  bounds: Rect,
  pane: { width: number; height: number },
  pad: Padding,
  wholeFitMin = WHOLE_FIT_MIN,
  maxZoom = 1,
): { x: number; y: number; zoom: number } {
  const w = Math.max(1, pane.width - pad.left - pad.right)
  const h = Math.max(1, pane.height - pad.top - pad.bottom)
  const fit = Math.min(maxZoom, w / Math.max(1, bounds.width), h / Math.max(1, bounds.height))
  if (fit >= wholeFitMin) {
    // Centred in the padded area, as React Flow's fitView does.
    return {
      zoom: fit,
      x: pad.left + (w - bounds.width * fit) / 2 - bounds.x * fit,
      y: pad.top + (h - bounds.height * fit) / 2 - bounds.y * fit,
    }
  }
  const zoom = LEGIBLE_ZOOM
  // A side that does fit stays centred; one that does not starts at the graph's beginning.
  const x = bounds.width * zoom <= w ? pad.left + (w - bounds.width * zoom) / 2 : pad.left
  const y = bounds.height * zoom <= h ? pad.top + (h - bounds.height * zoom) / 2 : pad.top
  return { zoom, x: x - bounds.x * zoom, y: y - bounds.y * zoom }
}

export function fitLegibly(
  flow: ReactFlowInstance,
  pane: { width: number; height: number },
  pad: Padding,
  wholeFitMin = WHOLE_FIT_MIN,
) {
  const nodes = flow.getNodes()
  if (nodes.length === 0 || pane.width === 0 || pane.height === 0) return
  void flow.setViewport(legibleViewport(flow.getNodesBounds(nodes), pane, pad, wholeFitMin))
}
