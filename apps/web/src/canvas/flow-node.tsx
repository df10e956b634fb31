import { Handle, type NodeProps, Position } from '@xyflow/react'
import { memo, useCallback } from 'react'
import { updateNode } from '../commands/graph-ops'
import { iconFor } from '../lib/specs'
import { useEditor, useEditorStoreApi } from '../store/context'
import type { FlowNode as FlowNodeType } from './adapters'
import { AddStepButton } from './add-step-button'
import { AnalyticsBadge } from './analytics-badge'
import { InlineEditor } from './inline-editor'
import { IssueBadge } from './issue-badge'
import { NodeShape } from './node-shapes'
import { TraceBadges } from './trace-badges'

const HANDLES = [
  ['top', Position.Top],
  ['right', Position.Right],
  ['bottom', Position.Bottom],
  ['left', Position.Left],
] as const

/** The one canvas node for every node type: shape, type icon, editable label, issue badge. */
export const FlowNode = memo(function FlowNode({ id, data, selected }: NodeProps<FlowNodeType>) {
  const node = data.node
  const issues = useEditor((s) => s.issuesByNode[id])
  const trace = useEditor((s) => s.trace.nodes[id])
  // One value for every node: they re-render when a run starts or ends, not per event.
  // A run waiting at a wait step is still going: the steps after it are pending, not missed.
  const phase = useEditor((s) =>
    s.trace.status === 'idle'
      ? 'idle'
      : s.trace.status === 'running' || s.trace.status === 'waiting'
        ? 'live'
        : 'done',
  )
  const status =
    trace?.status ?? (phase === 'live' ? 'pending' : phase === 'done' ? 'not-reached' : undefined)
  const editing = useEditor((s) => s.editing?.kind === 'node' && s.editing.id === id)
  const store = useEditorStoreApi()
  const stopEditing = useCallback(() => store.getState().setEditing(null), [store])
  const commitLabel = useCallback(
    (label: string) => {
      const s = store.getState()
      s.setEditing(null)
      if (label !== node.label) s.commit(updateNode(s.graph, id, { label }))
    },
    [store, id, node.label],
  )
  const label = editing ? (
    <InlineEditor
      value={node.label}
      multiline={node.shape === 'rectangle'}
      ariaLabel="Node label"
      onCommit={commitLabel}
      onCancel={stopEditing}
      className="w-full resize-none rounded bg-white px-1 text-[12.5px] leading-tight outline-none ring-2 ring-indigo-500"
    />
  ) : (
    <span className="line-clamp-3 break-words" title={node.label}>
      {node.label || <span className="text-slate-400 italic">Untitled</span>}
    </span>
  )
  return (
    <div
      className="group/node relative h-full w-full"
      data-testid={`node-${id}`}
      data-shape={node.shape}
      data-type={node.type ?? ''}
      data-trace={status}
    >
      <NodeShape
        shape={node.shape}
        icon={iconFor(node)}
        label={label}
        selected={!!selected}
        status={status}
      />
      {trace && <TraceBadges id={id} trace={trace} circle={node.shape === 'circle'} />}
      <AnalyticsBadge id={id} circle={node.shape === 'circle'} />
      <IssueBadge
        issues={issues}
        className={node.shape === 'rectangle' ? '-top-2 -right-2' : 'top-0 right-0'}
      />
      {selected && <AddStepButton nodeId={id} />}
      {HANDLES.map(([side, position]) => (
        <Handle
          key={side}
          id={side}
          type="source"
          position={position}
          className="fl-handle"
          aria-label={`${side} handle`}
        />
      ))}
    </div>
  )
})
