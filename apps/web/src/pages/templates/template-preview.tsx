import { useQuery } from '@tanstack/react-query'
import { memo } from 'react'
import type { Workflow } from '../../lib/engine'
import type { PreviewGeometry } from './preview-geometry'
import { layoutPreview } from './preview-layout'

const NODE_CLASS = {
  rectangle: 'fill-white stroke-slate-400',
  circle: 'fill-emerald-50 stroke-emerald-500',
  diamond: 'fill-amber-50 stroke-amber-500',
} as const

/**
 * A template's graph as a thumbnail, laid out as the editor lays it out (in a worker, see
 * preview-layout.ts) once per template and kept: templates do not change while the app runs.
 */
export const TemplatePreview = memo(function TemplatePreview(props: { id: string; model?: Workflow }) {
  const { model } = props
  const geometry = useQuery({
    queryKey: ['template-preview', props.id],
    queryFn: () => layoutPreview(model!),
    enabled: !!model,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    // A failure is the gallery closing mid-way (or a layout error): the next opening tries again.
    retry: false,
  })
  return (
    <div className="flex h-[80px] items-center justify-center overflow-hidden rounded-lg bg-slate-50 ring-1 ring-slate-100">
      {geometry.data ? (
        <PreviewSvg geometry={geometry.data} />
      ) : (
        <span className="text-[11.5px] text-slate-400">{geometry.isError ? 'No preview' : 'Loading…'}</span>
      )}
    </div>
  )
})

function PreviewSvg({ geometry: g }: { geometry: PreviewGeometry }) {
  const { x, y, width, height } = g.viewBox
  return (
    <svg
      viewBox={`${x} ${y} ${width} ${height}`}
      preserveAspectRatio="xMidYMid meet"
      className="h-full w-full p-1.5"
      data-testid="template-preview"
      data-nodes={g.nodes.length}
      data-edges={g.edges.length}
      aria-hidden
    >
      {g.groups.map((r) => (
        <rect
          key={`${r.x},${r.y}`}
          x={r.x}
          y={r.y}
          width={r.width}
          height={r.height}
          rx={14}
          className="fill-white stroke-slate-200"
          vectorEffect="non-scaling-stroke"
        />
      ))}
      {g.edges.map((e) => (
        <polyline
          key={e.id}
          points={e.points.map((p) => `${p.x},${p.y}`).join(' ')}
          fill="none"
          className="stroke-slate-400"
          strokeWidth={1}
          vectorEffect="non-scaling-stroke"
        />
      ))}
      {g.nodes.map((n) =>
        n.shape === 'diamond' ? (
          <polygon
            key={n.id}
            points={`${n.x + n.width / 2},${n.y} ${n.x + n.width},${n.y + n.height / 2} ${n.x + n.width / 2},${n.y + n.height} ${n.x},${n.y + n.height / 2}`}
            className={NODE_CLASS.diamond}
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
          />
        ) : (
          <rect
            key={n.id}
            x={n.x}
            y={n.y}
            width={n.width}
            height={n.height}
            rx={n.shape === 'circle' ? n.width / 2 : 10}
            className={NODE_CLASS[n.shape]}
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
          />
        ),
      )}
    </svg>
  )
}
