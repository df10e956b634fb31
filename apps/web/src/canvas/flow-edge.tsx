import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getSmoothStepPath } from '@xyflow/react'
import { memo, useCallback, useEffect, useRef } from 'react'
import { updateEdge } from '../commands/graph-ops'
import { parseCondition } from '../lib/engine'
import { useEditor, useEditorStoreApi } from '../store/context'
import { worstSeverity } from '../store/issues'
import type { FlowEdge as FlowEdgeType, XY } from './adapters'
import { InlineEditor } from './inline-editor'
import { IssueBadge } from './issue-badge'

const conditionError = (text: string) => {
  const r = parseCondition(text)
  return r.ok ? null : r.error
}

/** An edge with its label on it; a decision's branches are edited as conditions. */
export const FlowEdge = memo(function FlowEdge(props: EdgeProps<FlowEdgeType>) {
  const { id, data, selected, markerEnd } = props
  const label = data?.edge.label
  const decision = data?.decision ?? false
  const from = { x: props.sourceX, y: props.sourceY }
  const to = { x: props.targetX, y: props.targetY }
  const route = data?.route
  // Auto-layout's route while both ends are where it left them; the generic path otherwise.
  const [path, labelX, labelY] =
    route && near(route.from, from) && near(route.to, to)
      ? roundedPath([from, ...route.bends, to], 10)
      : getSmoothStepPath({
          sourceX: from.x,
          sourceY: from.y,
          sourcePosition: props.sourcePosition,
          targetX: to.x,
          targetY: to.y,
          targetPosition: props.targetPosition,
          borderRadius: 10,
          offset: 18,
        })
  const issues = useEditor((s) => s.issuesByEdge[id])
  const editing = useEditor((s) => s.editing?.kind === 'edge' && s.editing.id === id)
  // "+ label" only for the one selected edge, and never on a read-only canvas.
  const offerLabel = useEditor((s) => !s.readOnly && (s.selection.edges.length === 1 || decision) && !label)
  const readOnly = useEditor((s) => s.readOnly)
  const store = useEditorStoreApi()
  const commit = useCallback(
    (value: string) => {
      const s = store.getState()
      s.setEditing(null)
      const next = value.trim()
      if (next !== (label ?? '')) s.commit(updateEdge(s.graph, id, { label: next || undefined }))
    },
    [store, id, label],
  )
  const run = useEditor((s) => s.trace.edges[id])
  const severity = worstSeverity(issues)
  const style = severity === 'error' ? ERROR_STYLE : run ? RUN_STYLE[run] : undefined
  return (
    <g data-testid={`edge-${id}`} data-trace={run}>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} interactionWidth={18} />
      {run === 'taken' && <TakenPulse path={path} />}
      {(label || editing || issues || (offerLabel && (decision || selected))) && (
        <EdgeLabelRenderer>
          <div
            className="nodrag nopan absolute"
            style={{
              transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
              pointerEvents: 'all',
              // A ruled-out branch's condition fades with its line.
              opacity: run === 'ruled-out' ? 0.4 : undefined,
            }}
            data-testid={`edge-label-${id}`}
            onDoubleClick={() => store.getState().setEditing({ kind: 'edge', id })}
          >
            {editing ? (
              <div className="relative">
                <InlineEditor
                  value={label ?? ''}
                  ariaLabel={decision ? 'Branch condition' : 'Edge label'}
                  placeholder={decision ? 'page, > 0.7, else' : 'label'}
                  validate={decision ? conditionError : undefined}
                  onCommit={commit}
                  onCancel={() => store.getState().setEditing(null)}
                  className="w-36 rounded-md border border-indigo-500 bg-white px-1.5 py-0.5 text-[12px] outline-none"
                />
              </div>
            ) : label ? (
              <div
                className={`relative rounded-md border px-1.5 py-px text-[11.5px] leading-snug whitespace-nowrap shadow-xs ${
                  decision
                    ? 'border-amber-300 bg-amber-50 font-mono text-amber-900'
                    : 'border-slate-200 bg-white text-slate-600'
                } ${selected ? 'ring-2 ring-indigo-200' : ''}`}
                title={
                  readOnly
                    ? decision
                      ? 'Branch condition'
                      : undefined
                    : decision
                      ? 'Branch condition — double-click to edit'
                      : 'Double-click to edit'
                }
              >
                {label}
              </div>
            ) : (
              offerLabel &&
              (decision || selected) && (
                // An unlabelled branch invites its condition; any selected edge offers a label.
                <button
                  type="button"
                  data-testid={`edge-add-label-${id}`}
                  onClick={() => store.getState().setEditing({ kind: 'edge', id })}
                  className={`rounded-md border border-dashed px-1.5 py-px text-[11px] leading-snug whitespace-nowrap ${
                    decision
                      ? 'border-amber-400 bg-white/90 text-amber-700'
                      : 'border-slate-300 bg-white/90 text-slate-500'
                  }`}
                >
                  {decision ? '+ condition' : '+ label'}
                </button>
              )
            )}
            {!editing && (
              <IssueBadge issues={issues} className={label ? '-top-3 -right-3' : '-top-2 -left-2'} />
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </g>
  )
})

const near = (a: XY, b: XY) => Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5

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
  // The end stays exactly on the handle: the last turn moves to meet it instead.
  const end = input[input.length - 1]
  const last = pts[pts.length - 1]
  const turn = pts[pts.length - 2]
  if (turn && (last.x !== end.x || last.y !== end.y)) {
    if (turn.x === last.x) turn.x = end.x
    else turn.y = end.y
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

const ERROR_STYLE = { stroke: '#ef4444' }
const RUN_STYLE: Record<string, React.CSSProperties> = {
  taken: { stroke: '#10b981', strokeWidth: 2.25 },
  'ruled-out': { strokeDasharray: '4 5', opacity: 0.3 },
}
const PULSE_FRAMES = [{ strokeDashoffset: 32 }, { strokeDashoffset: 0 }]

/** Dashes running along a taken edge for a moment: the eye follows the path the run went. */
const TakenPulse = memo(function TakenPulse({ path }: { path: string }) {
  const ref = useRef<SVGPathElement>(null)
  useEffect(() => {
    const a = ref.current?.animate?.(PULSE_FRAMES, { duration: 600, iterations: 4 })
    if (a) a.onfinish = () => ref.current?.setAttribute('opacity', '0')
    return () => a?.cancel()
  }, [])
  return (
    <path
      ref={ref}
      d={path}
      fill="none"
      stroke="#d1fae5"
      strokeWidth={2.25}
      strokeDasharray="6 10"
      strokeLinecap="round"
      pointerEvents="none"
      data-testid="edge-pulse"
    />
  )
})
