import { useMemo } from 'react'
import { updateEdge, updateGroupTitle, updateNode } from '../commands/graph-ops'
import { parseCondition, type Side, type WorkflowNode } from '../lib/engine'
import { humanMessage } from '../lib/human-messages'
import { iconFor, specById, specList, takesOneBranch } from '../lib/specs'
import { useEditor, useEditorStoreApi } from '../store/context'
import type { Issue } from '../store/types'
import { Icon } from '../ui/icons'
import { ConfigForm } from './config-form'
import { DecisionSettings } from './decision-settings'
import { SectionTitle, SelectField, TextField } from './fields'
import { ScheduleTimes } from './schedule-times'
import { StartNodeTrigger } from './trigger-setup'
import { PickerStepContext } from './use-data-sources'

const SIDE_OPTIONS = (['top', 'right', 'bottom', 'left'] as const).map((s) => ({ value: s, label: s }))
const SHAPE_OPTIONS = [
  { value: 'rectangle', label: 'Rectangle' },
  { value: 'circle', label: 'Circle' },
  { value: 'diamond', label: 'Diamond' },
]

/** The right-hand panel for the selection: node, edge, group, or the workflow itself. */
export function Inspector({ readOnly }: { readOnly: boolean }) {
  const selection = useEditor((s) => s.selection)
  const count = selection.nodes.length + selection.edges.length
  let body: React.ReactNode
  if (count === 0) body = <WorkflowProperties readOnly={readOnly} />
  else if (count > 1) body = <MultiSelection nodes={selection.nodes.length} edges={selection.edges.length} />
  else if (selection.edges.length === 1)
    body = <EdgeInspector key={selection.edges[0]} id={selection.edges[0]} readOnly={readOnly} />
  else body = <NodeOrGroup key={selection.nodes[0]} id={selection.nodes[0]} readOnly={readOnly} />
  return (
    <div className="h-full overflow-y-auto px-4 py-3.5" data-testid="inspector">
      {body}
    </div>
  )
}

function IssueList({ issues }: { issues?: Issue[] }) {
  const nodes = useEditor((s) => s.graph.nodes)
  const edges = useEditor((s) => s.graph.edges)
  if (!issues?.length) return null
  return (
    <ul className="mb-3 space-y-1">
      {issues.map((i) => (
        <li
          key={`${i.code}:${i.message}`}
          className={`rounded-md px-2.5 py-1.5 text-[12px] leading-snug ${
            i.severity === 'error' ? 'bg-red-50 text-red-700' : 'bg-amber-50 text-amber-800'
          }`}
        >
          {humanMessage(i, { nodes, edges })}
        </li>
      ))}
    </ul>
  )
}

function WorkflowProperties({ readOnly }: { readOnly: boolean }) {
  const title = useEditor((s) => s.graph.title)
  const description = useEditor((s) => s.graph.description)
  const counts = useEditor(
    (s) => `${s.graph.nodes.length} nodes · ${s.graph.edges.length} edges · ${s.graph.groups.length} groups`,
  )
  const store = useEditorStoreApi()
  const set = (patch: { title?: string; description?: string }) => {
    const s = store.getState()
    s.commit({ ...s.graph, ...patch })
  }
  return (
    <>
      <SectionTitle>Workflow</SectionTitle>
      <TextField
        id="wf-title"
        label="Title"
        value={title}
        disabled={readOnly}
        onCommit={(v) => set({ title: v })}
      />
      <TextField
        id="wf-description"
        label="Description"
        multiline
        value={description}
        disabled={readOnly}
        onCommit={(v) => set({ description: v })}
      />
      <p className="text-[12px] text-slate-400">{counts}</p>
      {readOnly ? (
        <p className="mt-4 rounded-lg bg-slate-50 px-3 py-2.5 text-[12px] leading-relaxed text-slate-500">
          Read-only: select a node or an edge to see its settings.
        </p>
      ) : (
        <p className="mt-4 rounded-lg bg-slate-50 px-3 py-2.5 text-[12px] leading-relaxed text-slate-500">
          Select a node or an edge to edit it. Drag node types from the palette, connect handles to draw
          edges, and double-click a label to rename it. Press{' '}
          <kbd className="rounded border border-slate-300 bg-white px-1">?</kbd> for shortcuts.
        </p>
      )}
    </>
  )
}

function MultiSelection({ nodes, edges }: { nodes: number; edges: number }) {
  return (
    <>
      <SectionTitle>Selection</SectionTitle>
      <p className="text-[13px] text-slate-600">
        {nodes} node{nodes === 1 ? '' : 's'} and {edges} edge{edges === 1 ? '' : 's'} selected.
      </p>
      <p className="mt-2 text-[12px] text-slate-400">
        Copy, cut, duplicate, group or delete them with the toolbar or the keyboard.
      </p>
    </>
  )
}

function NodeOrGroup({ id, readOnly }: { id: string; readOnly: boolean }) {
  const node = useEditor((s) => s.graph.nodes.find((n) => n.id === id))
  const group = useEditor((s) => s.graph.groups.find((g) => g.id === id))
  const store = useEditorStoreApi()
  if (group) {
    return (
      <>
        <SectionTitle>Group</SectionTitle>
        <TextField
          id="group-title"
          label="Title"
          value={group.title}
          disabled={readOnly}
          onCommit={(v) => {
            const s = store.getState()
            s.commit(updateGroupTitle(s.graph, id, v))
          }}
        />
        <TextField id="group-id" label="ID" value={group.id} disabled onCommit={() => {}} />
      </>
    )
  }
  if (!node) return null
  return <NodeInspector node={node} readOnly={readOnly} />
}

function NodeInspector({ node, readOnly }: { node: WorkflowNode; readOnly: boolean }) {
  const store = useEditorStoreApi()
  const issues = useEditor((s) => s.issuesByNode[node.id])
  const groups = useEditor((s) => s.graph.groups)
  const spec = node.type ? specById.get(node.type) : undefined
  const patch = (p: Partial<WorkflowNode>) => {
    const s = store.getState()
    s.commit(updateNode(s.graph, node.id, p))
  }
  const configErrors = useMemo(() => {
    const errors = new Map<string, string>()
    if (!spec) return errors
    const r = spec.configSchema.safeParse(node.config ?? {})
    if (!r.success) for (const i of r.error.issues) errors.set(String(i.path[0] ?? ''), i.message)
    return errors
  }, [spec, node.config])
  const typeOptions = [
    { value: '', label: 'None — behaves by shape' },
    ...specList.map((s) => ({ value: s.id, label: s.title })),
  ]
  if (node.type && !spec) typeOptions.push({ value: node.type, label: `${node.type} (unknown type)` })
  const changeType = (type: string) => {
    const next = type ? specById.get(type) : undefined
    if (!next) {
      patch({ type: undefined, config: undefined })
      return
    }
    const keep = next.configSchema.safeParse(node.config ?? {}).success && node.config !== undefined
    patch({
      type: next.id,
      shape: next.shape,
      config: keep ? node.config : structuredClone(next.defaultConfig),
    })
  }
  return (
    <div data-testid="node-inspector">
      <div className="mb-3 flex items-start gap-2.5">
        <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-lg bg-indigo-50 text-indigo-600">
          <Icon name={iconFor(node)} size={16} />
        </span>
        <div className="min-w-0">
          <div className="truncate text-[13.5px] font-semibold text-slate-800">
            {node.label || 'Untitled'}
          </div>
          <div className="font-mono text-[11.5px] text-slate-400">{node.id}</div>
        </div>
      </div>
      <IssueList issues={issues} />
      <TextField
        id="node-label"
        label="Label"
        value={node.label}
        disabled={readOnly}
        testId="inspector-label"
        onCommit={(label) => patch({ label })}
      />
      <SelectField
        id="node-type"
        label="Type"
        value={node.type ?? ''}
        options={typeOptions}
        disabled={readOnly}
        testId="inspector-type"
        hint={spec?.description}
        onChange={changeType}
      />
      <div className="grid grid-cols-2 gap-2">
        <SelectField
          id="node-shape"
          label="Shape"
          value={node.shape}
          options={SHAPE_OPTIONS}
          disabled={readOnly}
          onChange={(shape) => patch({ shape: shape as WorkflowNode['shape'] })}
        />
        <SelectField
          id="node-group"
          label="Group"
          value={node.group ?? ''}
          options={[
            { value: '', label: 'None' },
            ...groups.map((g) => ({ value: g.id, label: g.title || g.id })),
          ]}
          disabled={readOnly}
          onChange={(g) => patch({ group: g || null })}
        />
      </div>
      {spec && (
        <>
          <div className="my-3 border-t border-slate-100" />
          <SectionTitle>Settings</SectionTitle>
          {spec.sideEffect && (
            <p className="mb-3 rounded-md bg-sky-50 px-2.5 py-1.5 text-[11.5px] leading-snug text-sky-800">
              {spec.sideEffectNote ??
                'Changes something outside Flowline: test runs record the request instead of sending it.'}
            </p>
          )}
          <PickerStepContext.Provider value={node.id}>
            {spec.id === 'decision' ? (
              <DecisionSettings
                node={node}
                spec={spec}
                readOnly={readOnly}
                errors={configErrors}
                onChange={(config) => patch({ config })}
              />
            ) : (
              <ConfigForm
                key={node.id}
                spec={spec}
                config={node.config}
                disabled={readOnly}
                errors={configErrors}
                onChange={(config) => patch({ config })}
              />
            )}
          </PickerStepContext.Provider>
          {spec.trigger === 'schedule' && <ScheduleTimes config={node.config} />}
        </>
      )}
      <StartNodeTrigger node={node} readOnly={readOnly} />
    </div>
  )
}

function EdgeInspector({ id, readOnly }: { id: string; readOnly: boolean }) {
  const edge = useEditor((s) => s.graph.edges.find((e) => e.id === id))
  const source = useEditor((s) => (edge ? s.graph.nodes.find((n) => n.id === edge.source) : undefined))
  const target = useEditor((s) => (edge ? s.graph.nodes.find((n) => n.id === edge.target) : undefined))
  const issues = useEditor((s) => s.issuesByEdge[id])
  const store = useEditorStoreApi()
  if (!edge) return null
  const decision = source ? takesOneBranch(source) : false
  const patch = (p: Parameters<typeof updateEdge>[2]) => {
    const s = store.getState()
    s.commit(updateEdge(s.graph, id, p))
  }
  return (
    <div data-testid="edge-inspector">
      <SectionTitle>{decision ? 'Decision branch' : 'Connection'}</SectionTitle>
      <p className="mb-3 text-[12.5px] text-slate-600">
        <span className="font-medium">{source?.label ?? edge.source}</span>{' '}
        <span className="text-slate-400">→</span>{' '}
        <span className="font-medium">{target?.label ?? edge.target}</span>
      </p>
      <IssueList issues={issues} />
      <TextField
        id="edge-label"
        label={decision ? 'Condition' : 'Label'}
        value={edge.label ?? ''}
        mono={decision}
        disabled={readOnly}
        testId="inspector-edge-label"
        placeholder={decision ? 'page   > 0.7   else' : 'optional'}
        hint={
          decision
            ? 'A value means equality (page); compare with > 0.7, <= 0.7, >=, <, !=; "else" is the fallback.'
            : undefined
        }
        validate={
          decision
            ? (v) => {
                const r = parseCondition(v)
                return r.ok ? null : r.error
              }
            : undefined
        }
        onCommit={(v) => patch({ label: v.trim() || undefined })}
      />
      <div className="grid grid-cols-2 gap-2">
        <SelectField
          id="edge-source-side"
          label="Leaves from"
          value={edge.sourceHandle}
          options={SIDE_OPTIONS}
          disabled={readOnly}
          onChange={(v) => patch({ sourceHandle: v as Side })}
        />
        <SelectField
          id="edge-target-side"
          label="Enters at"
          value={edge.targetHandle}
          options={SIDE_OPTIONS}
          disabled={readOnly}
          onChange={(v) => patch({ targetHandle: v as Side })}
        />
      </div>
      <p className="font-mono text-[11.5px] text-slate-400">{edge.id}</p>
    </div>
  )
}
