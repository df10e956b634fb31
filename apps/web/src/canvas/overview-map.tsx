import { Panel, useReactFlow, useStore } from '@xyflow/react'
import { memo, useMemo, useRef } from 'react'
import { useEditor } from '../store/context'
import { groupRects, nodeSize, positionOf } from './adapters'

const W = 168
const H = 112

/**
 * A minimap for large workflows: every node in one SVG path built from the model, so a
 * drag frame costs nothing here (React Flow's minimap keeps a subscription per node).
 * Click or drag on it to move the view.
 */
export const OverviewMap = memo(function OverviewMap() {
  const graph = useEditor((s) => s.graph)
  const [tx, ty, zoom] = useStore((s) => s.transform)
  const paneW = useStore((s) => s.width)
  const paneH = useStore((s) => s.height)
  const flow = useReactFlow()
  const svg = useRef<SVGSVGElement>(null)

  const shapes = useMemo(() => {
    let nodes = ''
    let x1 = Number.POSITIVE_INFINITY
    let y1 = Number.POSITIVE_INFINITY
    let x2 = Number.NEGATIVE_INFINITY
    let y2 = Number.NEGATIVE_INFINITY
    graph.nodes.forEach((n, i) => {
      const p = positionOf(n, i)
      const s = nodeSize(n)
      nodes += `M${p.x} ${p.y}h${s.width}v${s.height}h${-s.width}z`
      x1 = Math.min(x1, p.x)
      y1 = Math.min(y1, p.y)
      x2 = Math.max(x2, p.x + s.width)
      y2 = Math.max(y2, p.y + s.height)
    })
    let groups = ''
    for (const r of groupRects(graph).values()) {
      groups += `M${r.x} ${r.y}h${r.width}v${r.height}h${-r.width}z`
      x1 = Math.min(x1, r.x)
      y1 = Math.min(y1, r.y)
      x2 = Math.max(x2, r.x + r.width)
      y2 = Math.max(y2, r.y + r.height)
    }
    return {
      nodes,
      groups,
      bounds: Number.isFinite(x1) ? { x1, y1, x2, y2 } : { x1: 0, y1: 0, x2: 1, y2: 1 },
    }
  }, [graph])

  const view = { x: -tx / zoom, y: -ty / zoom, w: paneW / zoom, h: paneH / zoom }
  const b = shapes.bounds
  const x1 = Math.min(b.x1, view.x)
  const y1 = Math.min(b.y1, view.y)
  const x2 = Math.max(b.x2, view.x + view.w)
  const y2 = Math.max(b.y2, view.y + view.h)
  const scale = Math.max((x2 - x1) / W, (y2 - y1) / H) * 1.08
  const vw = W * scale
  const vh = H * scale
  const vx = (x1 + x2) / 2 - vw / 2
  const vy = (y1 + y2) / 2 - vh / 2

  const moveTo = (e: React.PointerEvent) => {
    const m = svg.current?.getScreenCTM()
    if (!m) return
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse())
    void flow.setCenter(p.x, p.y, { zoom })
  }

  return (
    <Panel position="bottom-right" className="overflow-hidden rounded-lg border border-slate-200 bg-white">
      <svg
        ref={svg}
        width={W}
        height={H}
        viewBox={`${vx} ${vy} ${vw} ${vh}`}
        role="img"
        aria-label="Overview of the workflow"
        data-testid="overview-map"
        className="block cursor-pointer"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId)
          moveTo(e)
        }}
        onPointerMove={(e) => {
          if (e.buttons === 1) moveTo(e)
        }}
      >
        <path d={shapes.groups} fill="rgba(148,163,184,0.22)" />
        <path d={shapes.nodes} fill="#94a3b8" />
        <path
          d={`M${vx} ${vy}h${vw}v${vh}h${-vw}z M${view.x} ${view.y}h${view.w}v${view.h}h${-view.w}z`}
          fill="rgba(241,245,249,0.7)"
          fillRule="evenodd"
        />
        <rect
          x={view.x}
          y={view.y}
          width={view.w}
          height={view.h}
          fill="none"
          stroke="#6366f1"
          strokeWidth={1.5}
          vectorEffect="non-scaling-stroke"
        />
      </svg>
    </Panel>
  )
})
