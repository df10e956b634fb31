import type { NodeProps } from '@xyflow/react'
import { memo, useCallback } from 'react'
import { updateGroupTitle } from '../commands/graph-ops'
import { useEditor, useEditorStoreApi } from '../store/context'
import { Icon } from '../ui/icons'
import type { GroupNode as GroupNodeType } from './adapters'
import { InlineEditor } from './inline-editor'

/**
 * A group: a titled box around its children. Only the title bar takes the pointer, so
 * panning, box selection and dropping nodes work inside the box.
 */
export const GroupNode = memo(function GroupNode({ id, data, selected }: NodeProps<GroupNodeType>) {
  const editing = useEditor((s) => s.editing?.kind === 'group' && s.editing.id === id)
  const readOnly = useEditor((s) => s.readOnly)
  const store = useEditorStoreApi()
  const commit = useCallback(
    (title: string) => {
      const s = store.getState()
      s.setEditing(null)
      if (title !== data.group.title) s.commit(updateGroupTitle(s.graph, id, title))
    },
    [store, id, data.group.title],
  )
  return (
    <div
      data-testid={`group-${id}`}
      className={`pointer-events-none h-full w-full rounded-xl border ${
        selected ? 'border-indigo-500 bg-indigo-50/40' : 'border-slate-300 bg-slate-100/55'
      } ${data.empty ? 'border-dashed' : ''}`}
    >
      <div
        className={`fl-group-handle pointer-events-auto flex h-9 items-center gap-2 rounded-t-xl px-3 ${readOnly ? '' : 'cursor-grab active:cursor-grabbing'}`}
        onDoubleClick={() => store.getState().setEditing({ kind: 'group', id })}
      >
        <Icon name="group" size={13} className="text-slate-400" />
        {editing ? (
          <div className="relative flex-1">
            <InlineEditor
              value={data.group.title}
              ariaLabel="Group title"
              onCommit={commit}
              onCancel={() => store.getState().setEditing(null)}
              className="w-full rounded bg-white px-1.5 py-0.5 text-[13px] font-semibold outline-none ring-2 ring-indigo-500"
            />
          </div>
        ) : (
          <span
            className="shrink-0 truncate text-[14px] font-semibold text-slate-700"
            title={readOnly ? undefined : 'Double-click to rename'}
          >
            {data.group.title || id}
          </span>
        )}
        {!editing && data.group.title && data.group.title !== id && (
          <span className="min-w-0 truncate font-mono text-[11px] text-slate-400">{id}</span>
        )}
      </div>
      {data.empty && !readOnly && <div className="px-3 text-[12px] text-slate-400">Drag nodes here</div>}
    </div>
  )
})
