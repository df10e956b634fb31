import {
  BaseEdge,
  type Edge,
  EdgeLabelRenderer,
  type EdgeProps,
  Handle,
  type Node,
  type NodeProps,
  Position,
} from '@xyflow/react'
import { memo } from 'react'
import { AnalyticsBadge } from '../../canvas/analytics-badge'
import { EdgeAnalyticsLabel } from '../../canvas/edge-analytics-label'
import { drawnEdge } from '../../canvas/edge-path'
import type { EdgeGeometry } from '../../canvas/edge-routes'
import { NodeShape } from '../../canvas/node-shapes'
import type { DiffStatus, Group, WorkflowEdge, WorkflowNode } from '../../lib/engine'
import { iconFor } from '../../lib/specs'
import { Icon } from '../../ui/icons'

/**
 * Node, group and edge views of the read-only canvas. They take everything from their
 * props (no editor store), so the audit pages need no editor state and cannot edit.
 */
export type AuditNodeData = { node: WorkflowNode; diff?: DiffStatus }
export type AuditGroupData = { group: Group; diff?: DiffStatus }
export type AuditEdgeData = {
  edge: WorkflowEdge
  decision: boolean
  route?: EdgeGeometry
  diff?: DiffStatus
  labelBefore?: string
}
export type AuditFlowNode = Node<AuditNodeData, 'audit'>
export type AuditGroupNode = Node<AuditGroupData, 'auditGroup'>
export type AuditCanvasNode = AuditFlowNode | AuditGroupNode
export type AuditFlowEdge = Edge<AuditEdgeData, 'audit'>

/** One colour per status (the theme's, as CSS variables), shared by canvas, minimap, side panel and legend. */
export const DIFF_COLOURS: Record<
  DiffStatus,
  { css: string; border: string; text: string; bg: string; sign: string; label: string }
> = {
  added: {
    css: 'var(--color-emerald-500)',
    border: 'border-emerald-500',
    text: 'text-emerald-700',
    bg: 'bg-emerald-50',
    sign: '+',
    label: 'Added',
  },
  removed: {
    css: 'var(--color-red-500)',
    border: 'border-red-500',
    text: 'text-red-700',
    bg: 'bg-red-50',
    sign: '−',
    label: 'Removed',
  },
  changed: {
    css: 'var(--color-amber-500)',
    border: 'border-amber-500',
    text: 'text-amber-700',
    bg: 'bg-amber-50',
    sign: '~',
    label: 'Changed',
  },
}

const HANDLES = [
  ['top', Position.Top],
  ['right', Position.Right],
  ['bottom', Position.Bottom],
  ['left', Position.Left],
] as const

/**
 * Edges attach to these; `isConnectable={false}` refuses drags from them. The editor's handle
 * size (12px, adapters.ts), so edges end where the router routed them to.
 */
const HIDDEN: React.CSSProperties = {
  opacity: 0,
  pointerEvents: 'none',
  width: 9,
  height: 9,
  borderWidth: 1.5,
}
function Handles() {
  // Invisible but laid out: React Flow measures handles to place edge ends, and a
  // `display: none` handle measures as zero, which detaches every edge.
  return HANDLES.map(([side, position]) => (
    <Handle key={side} id={side} type="source" position={position} isConnectable={false} style={HIDDEN} />
  ))
}

/** A coloured outline in the node's own shape, dashed for what was removed. */
function DiffOutline({ shape, diff }: { shape: WorkflowNode['shape']; diff: DiffStatus }) {
  const c = DIFF_COLOURS[diff]
  const dashed = diff === 'removed'
  if (shape === 'diamond') {
    return (
      <svg
        className="pointer-events-none absolute -inset-[5px] h-[calc(100%+10px)] w-[calc(100%+10px)] overflow-visible"
        viewBox="0 0 100 100"
        preserveAspectRatio="none"
        aria-hidden
      >
        <polygon
          points="50,0 100,50 50,100 0,50"
          fill="none"
          style={{ stroke: c.css }}
          strokeWidth={2.5}
          strokeDasharray={dashed ? '6 4' : undefined}
          vectorEffect="non-scaling-stroke"
        />
      </svg>
    )
  }
  return (
    <div
      className={`pointer-events-none absolute -inset-[4px] border-[2.5px] ${c.border} ${
        dashed ? 'border-dashed' : ''
      } ${shape === 'circle' ? 'rounded-full' : 'rounded-[11px]'}`}
    />
  )
}

function DiffBadge({ diff, className = '' }: { diff: DiffStatus; className?: string }) {
  return (
    <span
      className={`absolute z-10 flex h-[20px] min-w-[20px] items-center justify-center rounded-full px-1 text-[13px] leading-none font-bold text-white shadow-sm ring-2 ring-white ${className}`}
      style={{ background: DIFF_COLOURS[diff].css }}
      title={DIFF_COLOURS[diff].label}
      role="img"
      aria-label={DIFF_COLOURS[diff].label}
    >
      {DIFF_COLOURS[diff].sign}
    </span>
  )
}

export const AuditNode = memo(function AuditNode({ id, data, selected }: NodeProps<AuditFlowNode>) {
  const { node, diff } = data
  const removed = diff === 'removed'
  return (
    <div
      className="relative h-full w-full"
      data-testid={`node-${id}`}
      data-diff={diff ?? 'none'}
      data-shape={node.shape}
      data-type={node.type ?? ''}
    >
      <div className={`h-full w-full ${removed ? 'opacity-50 grayscale-[60%]' : ''}`}>
        <NodeShape
          shape={node.shape}
          icon={iconFor(node)}
          selected={!!selected}
          label={
            <span className={`line-clamp-3 break-words ${removed ? 'line-through' : ''}`} title={node.label}>
              {node.label || <span className="text-slate-400 italic">Untitled</span>}
            </span>
          }
        />
      </div>
      {diff && <DiffOutline shape={node.shape} diff={diff} />}
      {diff && (
        <DiffBadge
          diff={diff}
          className={node.shape === 'rectangle' ? '-top-2.5 -left-2.5' : '-top-1 -left-1'}
        />
      )}
      <AnalyticsBadge id={id} circle={node.shape === 'circle'} />
      <Handles />
    </div>
  )
})

export const AuditGroup = memo(function AuditGroup({ id, data, selected }: NodeProps<AuditGroupNode>) {
  const { group, diff } = data
  const c = diff ? DIFF_COLOURS[diff] : null
  return (
    <div
      data-testid={`group-${id}`}
      data-diff={diff ?? 'none'}
      className={`pointer-events-none h-full w-full rounded-xl border ${
        c ? `${c.border} border-2 ${diff === 'removed' ? 'border-dashed opacity-60' : ''}` : ''
      } ${selected ? 'border-indigo-500 bg-indigo-50/40' : c ? 'bg-slate-100/40' : 'border-slate-300 bg-slate-100/55'}`}
    >
      <div className="pointer-events-auto flex h-9 items-center gap-2 rounded-t-xl px-3">
        <Icon name="group" size={13} className="text-slate-400" />
        <span className="shrink-0 truncate text-[14px] font-semibold text-slate-700">
          {group.title || id}
        </span>
        {group.title && group.title !== id && (
          <span className="min-w-0 truncate font-mono text-[11px] text-slate-400">{id}</span>
        )}
        {c && <span className={`ml-auto text-[11px] font-semibold ${c.text}`}>{c.label}</span>}
      </div>
    </div>
  )
})

export const AuditEdge = memo(function AuditEdge(props: EdgeProps<AuditFlowEdge>) {
  const { id, data, selected, markerEnd } = props
  // The editor's routing: one path per edge in every view.
  const { path, labelX, labelY, labelWidth } = drawnEdge(props, data?.route)
  const diff = data?.diff
  const label = data?.edge.label
  const before = data?.labelBefore
  const c = diff ? DIFF_COLOURS[diff] : null
  const style = c
    ? { stroke: c.css, strokeWidth: 2.25, strokeDasharray: diff === 'removed' ? '6 4' : undefined }
    : undefined
  const showLabel = label || (before !== undefined && before !== '')
  // Placed at the width of what is shown ("before → after" too, see read-only-canvas.tsx).
  const fixedWidth = labelWidth
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} interactionWidth={18} />
      <EdgeAnalyticsLabel id={id} x={labelX} y={labelY} />
      {showLabel && (
        <EdgeLabelRenderer>
          <div
            className="nodrag nopan absolute"
            style={{
              transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
              pointerEvents: 'all',
            }}
            data-testid={`edge-label-${id}`}
            data-diff={diff ?? 'none'}
          >
            <div
              style={fixedWidth ? { width: fixedWidth } : undefined}
              className={`flex items-center justify-center gap-1 rounded-md border px-[6px] py-px text-[13px] leading-4 whitespace-nowrap shadow-xs ${
                c
                  ? `${c.border} ${c.bg} ${c.text}`
                  : data?.decision
                    ? 'border-amber-300 bg-amber-50 text-amber-900'
                    : 'border-slate-200 bg-white text-slate-600'
              } ${data?.decision ? 'font-mono' : ''} ${diff === 'removed' ? 'line-through opacity-70' : ''} ${
                selected ? 'ring-2 ring-indigo-200' : ''
              }`}
            >
              {before !== undefined && diff === 'changed' && (
                <>
                  <span className="text-slate-400 line-through">{before || '∅'}</span>
                  <span aria-hidden>→</span>
                </>
              )}
              <span>{label || '∅'}</span>
            </div>
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  )
})
