import type { ReactNode } from 'react'
import type { Workflow, WorkflowEdge, WorkflowNode } from '../../lib/engine'
import { iconFor, specById, takesOneBranch } from '../../lib/specs'
import { Icon } from '../../ui/icons'
import type { CanvasSelection } from './read-only-canvas'

/**
 * The read-only inspector: what a selected node or edge is and how it is configured.
 * Plain text and JSON, no inputs — a viewer inspects, never edits.
 */
export function ItemDetails({ graph, selection }: { graph: Workflow; selection: CanvasSelection }) {
  const node = selection?.kind === 'node' ? graph.nodes.find((n) => n.id === selection.id) : undefined
  const edge = selection?.kind === 'edge' ? graph.edges.find((e) => e.id === selection.id) : undefined
  if (node) return <NodeDetails node={node} graph={graph} />
  if (edge) return <EdgeDetails edge={edge} graph={graph} />
  return (
    <p className="text-[12.5px] leading-relaxed text-slate-500">
      Select a node or an edge on the canvas to see its configuration. This view is read-only.
    </p>
  )
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="mb-2.5">
      <div className="mb-0.5 text-[11px] font-semibold tracking-wide text-slate-500 uppercase">{label}</div>
      <div className="text-[12.5px] break-words text-slate-800">{children}</div>
    </div>
  )
}

/** Secret config fields (API keys…) are masked here as in the editor's forms. */
export function maskSecrets(node: WorkflowNode): unknown {
  const secrets = (node.type && specById.get(node.type)?.secretFields) || []
  if (!secrets.length || typeof node.config !== 'object' || node.config === null) return node.config
  const copy: Record<string, unknown> = { ...(node.config as Record<string, unknown>) }
  for (const key of secrets) if (copy[key] !== undefined && copy[key] !== '') copy[key] = '••••••'
  return copy
}

export function JsonBlock({ value, testId }: { value: unknown; testId?: string }) {
  return (
    <pre
      data-testid={testId}
      className="max-h-[360px] overflow-auto rounded-md border border-slate-200 bg-slate-50 p-2 font-mono text-[11.5px] leading-snug whitespace-pre-wrap text-slate-700"
    >
      {value === undefined ? '—' : JSON.stringify(value, null, 2)}
    </pre>
  )
}

function NodeDetails({ node, graph }: { node: WorkflowNode; graph: Workflow }) {
  const spec = node.type ? specById.get(node.type) : undefined
  const group = node.group ? graph.groups.find((g) => g.id === node.group) : undefined
  return (
    <div data-testid="item-details" data-id={node.id}>
      <div className="mb-3 flex items-center gap-2">
        <span className="flex h-7 w-7 items-center justify-center rounded-md bg-indigo-50 text-indigo-600">
          <Icon name={iconFor(node)} size={15} />
        </span>
        <div className="min-w-0">
          <div className="truncate text-[13.5px] font-semibold text-slate-900" data-testid="item-label">
            {node.label || 'Untitled'}
          </div>
          <div className="font-mono text-[11px] text-slate-400">{node.id}</div>
        </div>
      </div>
      <Field label="Type">
        {spec ? (
          spec.title
        ) : node.type ? (
          node.type
        ) : (
          <span className="text-slate-500">none ({node.shape})</span>
        )}
        {node.type && <span className="ml-1 font-mono text-[11px] text-slate-400">{node.type}</span>}
      </Field>
      <Field label="Shape">{node.shape}</Field>
      <Field label="Group">{group ? group.title || group.id : '—'}</Field>
      <Field label="Configuration">
        <JsonBlock value={maskSecrets(node)} testId="item-config" />
      </Field>
    </div>
  )
}

function EdgeDetails({ edge, graph }: { edge: WorkflowEdge; graph: Workflow }) {
  const label = (id: string) => graph.nodes.find((n) => n.id === id)?.label || id
  const source = graph.nodes.find((n) => n.id === edge.source)
  const decision = source ? takesOneBranch(source) : false
  return (
    <div data-testid="item-details" data-id={edge.id}>
      <div className="mb-3 text-[13.5px] font-semibold text-slate-900">
        {decision ? 'Decision branch' : 'Connection'}
        <div className="font-mono text-[11px] font-normal text-slate-400">{edge.id}</div>
      </div>
      <Field label="From">
        {label(edge.source)} <span className="text-slate-400">({edge.sourceHandle})</span>
      </Field>
      <Field label="To">
        {label(edge.target)} <span className="text-slate-400">({edge.targetHandle})</span>
      </Field>
      <Field label={decision ? 'Condition' : 'Label'}>
        {edge.label ? (
          <span className="font-mono">{edge.label}</span>
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </Field>
    </div>
  )
}
