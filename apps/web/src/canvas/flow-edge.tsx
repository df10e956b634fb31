import { BaseEdge, EdgeLabelRenderer, type EdgeProps } from '@xyflow/react'
import { memo, useCallback, useEffect, useRef } from 'react'
import { updateEdge } from '../commands/graph-ops'
import { parseCondition } from '../lib/engine'
import { useEditor, useEditorStoreApi } from '../store/context'
import { worstSeverity } from '../store/issues'
import type { FlowEdge as FlowEdgeType } from './adapters'
import { EdgeAnalyticsLabel } from './edge-analytics-label'
import { drawnEdge } from './edge-path'
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
  // The routed path (same in every view) while both ends are where the model puts them.
  const { path, labelX, labelY, labelWidth } = drawnEdge(props, data?.route)
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
      <EdgeAnalyticsLabel id={id} x={labelX} y={labelY} />
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
                style={labelWidth ? { width: labelWidth } : undefined}
                className={`relative rounded-md border px-[6px] py-px text-center text-[13px] leading-4 whitespace-nowrap shadow-xs ${
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
