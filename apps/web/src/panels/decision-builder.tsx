import { useEffect, useMemo, useRef, useState } from 'react'
import {
  type BranchRule,
  type DecisionRules,
  OPERATORS,
  type Operator,
  readRules,
  ruleProblem,
  writeRules,
} from '../lib/condition-builder'
import type { Workflow, WorkflowNode } from '../lib/engine'
import { useEditor, useEditorStoreApi } from '../store/context'
import { PickerList } from './data-picker'
import { inputClass, useDraft } from './fields'
import { describePath, useDataSources } from './use-data-sources'

/** The decision's subject and its edges' labels, rewritten as one undoable change. */
function withRules(graph: Workflow, nodeId: string, rules: DecisionRules): Workflow {
  const { subject, labels } = writeRules(rules)
  return {
    ...graph,
    nodes: graph.nodes.map((n) =>
      n.id === nodeId ? { ...n, config: { ...((n.config as object | undefined) ?? {}), subject } } : n,
    ),
    edges: graph.edges.map((e) => (labels.has(e.id) ? { ...e, label: labels.get(e.id) } : e)),
  }
}

/**
 * A decision's branches without JSONata: per outgoing connection a rule (field, operator,
 * value), and the connection taken otherwise. It writes the notation's subject and edge labels
 * (see lib/condition-builder.ts), so "Advanced" shows exactly what it wrote.
 */
export function DecisionBuilder({ node, readOnly }: { node: WorkflowNode; readOnly: boolean }) {
  const allEdges = useEditor((s) => s.graph.edges)
  const nodes = useEditor((s) => s.graph.nodes)
  const store = useEditorStoreApi()
  const outgoing = useMemo(() => allEdges.filter((e) => e.source === node.id), [allEdges, node.id])
  const subject = (node.config as { subject?: string } | undefined)?.subject ?? ''
  const rules = useMemo(() => readRules(subject, outgoing), [subject, outgoing])
  const targetLabel = (edgeId: string) => {
    const edge = outgoing.find((e) => e.id === edgeId)
    const target = nodes.find((n) => n.id === edge?.target)
    return target?.label || edge?.target || '?'
  }
  if (!rules) return null
  const save = (next: DecisionRules) => {
    const s = store.getState()
    s.commit(withRules(s.graph, node.id, next))
  }
  const setRule = (index: number, patch: Partial<BranchRule>) =>
    save({ ...rules, rules: rules.rules.map((r, i) => (i === index ? { ...r, ...patch } : r)) })
  const setElse = (edgeId: string) => {
    const previous = rules.elseEdgeId
    const field = rules.rules[0]?.field ?? ''
    const kept = rules.rules.filter((r) => r.edgeId !== edgeId)
    if (previous) kept.push({ edgeId: previous, field, operator: 'equals', value: '' })
    // Rules keep the order of the edges: the first that matches wins.
    const order = new Map(outgoing.map((e, i) => [e.id, i]))
    kept.sort((a, b) => (order.get(a.edgeId) ?? 0) - (order.get(b.edgeId) ?? 0))
    save({ rules: kept, elseEdgeId: edgeId || null })
  }

  if (outgoing.length === 0)
    return (
      <p className="mb-3 rounded-md bg-slate-50 px-2.5 py-2 text-[12px] leading-snug text-slate-500">
        Connect this step to the steps that follow it (or use the “+” on its right side): each connection
        becomes a branch with its own condition.
      </p>
    )
  return (
    <div data-testid="decision-builder">
      <ol className="space-y-2">
        {rules.rules.map((rule, i) => (
          <RuleRow
            key={rule.edgeId}
            rule={rule}
            first={i === 0}
            target={targetLabel(rule.edgeId)}
            readOnly={readOnly}
            onChange={(patch) => setRule(i, patch)}
          />
        ))}
      </ol>
      <label className="mt-2.5 block rounded-md border border-slate-200 bg-slate-50 px-2.5 py-2">
        <span className="mb-1 block text-[12px] font-medium text-slate-600">Otherwise, go to</span>
        <select
          value={rules.elseEdgeId ?? ''}
          disabled={readOnly}
          data-testid="decision-else"
          onChange={(e) => setElse(e.target.value)}
          className={`${inputClass} h-[30px] py-0`}
        >
          <option value="">— nowhere: the run fails when no rule matches</option>
          {outgoing.map((e) => (
            <option key={e.id} value={e.id}>
              {targetLabel(e.id)}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}

function RuleRow(props: {
  rule: BranchRule
  first: boolean
  target: string
  readOnly: boolean
  onChange: (patch: Partial<BranchRule>) => void
}) {
  const { rule } = props
  const value = useDraft(rule.value)
  const problem = ruleProblem({ ...rule, value: value.draft })
  const commitValue = () => {
    if (value.draft !== rule.value) props.onChange({ value: value.draft })
  }
  return (
    <li
      className="rounded-md border border-slate-200 px-2.5 py-2"
      data-testid="branch-rule"
      data-edge-id={rule.edgeId}
    >
      <p className="mb-1.5 text-[12px] text-slate-600">
        <span className="font-semibold text-slate-700">{props.first ? 'If' : 'Else if'}</span> …{' '}
        <span className="text-slate-400">then go to</span>{' '}
        <span className="font-medium text-slate-800">{props.target}</span>
      </p>
      <FieldChooser
        field={rule.field}
        readOnly={props.readOnly}
        onChange={(field) => props.onChange({ field })}
      />
      <div className="mt-1.5 grid grid-cols-[minmax(0,1fr)_minmax(0,1fr)] gap-1.5">
        <select
          aria-label="Operator"
          value={rule.operator}
          disabled={props.readOnly}
          data-testid="branch-operator"
          onChange={(e) => props.onChange({ operator: e.target.value as Operator })}
          className={`${inputClass} h-[30px] py-0 ${rule.operator === 'exists' ? 'col-span-2' : ''}`}
        >
          {OPERATORS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        {rule.operator !== 'exists' && (
          <input
            aria-label="Value"
            value={value.draft}
            placeholder="value"
            disabled={props.readOnly}
            data-testid="branch-value"
            aria-invalid={problem === 'Enter a number' ? true : undefined}
            onChange={(e) => value.setDraft(e.target.value)}
            onBlur={commitValue}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitValue()
            }}
            {...value.bind}
            className={inputClass}
          />
        )}
      </div>
      {problem && <p className="mt-1 text-[11.5px] text-red-600">{problem}</p>}
    </li>
  )
}

/** The field a rule checks: shown in words, chosen from the data picker. */
function FieldChooser(props: { field: string; readOnly: boolean; onChange: (field: string) => void }) {
  const sources = useDataSources()
  const [open, setOpen] = useState(false)
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', close)
    return () => document.removeEventListener('mousedown', close)
  }, [open])
  const readable = props.field ? (describePath(props.field, sources) ?? props.field) : null
  return (
    <div className="relative" ref={box}>
      <button
        type="button"
        disabled={props.readOnly}
        data-testid="branch-field"
        aria-expanded={open}
        title={props.field || undefined}
        onClick={() => setOpen((o) => !o)}
        className={`${inputClass} flex h-[30px] items-center justify-between gap-2 text-left`}
      >
        <span className={`truncate ${readable ? '' : 'text-slate-400'}`}>
          {readable ?? 'Choose a field…'}
        </span>
        <span aria-hidden className="text-slate-400">
          ▾
        </span>
      </button>
      {open && sources && (
        <div className="absolute top-8 right-0 left-0 z-30">
          <PickerList
            sources={sources}
            onPick={(path) => {
              setOpen(false)
              props.onChange(path)
            }}
            onClose={() => setOpen(false)}
          />
        </div>
      )}
    </div>
  )
}

/** Can the builder show this decision's subject and labels? */
export function builderCanRead(node: WorkflowNode, edges: Workflow['edges']): boolean {
  const subject = (node.config as { subject?: string } | undefined)?.subject ?? ''
  return (
    readRules(
      subject,
      edges.filter((e) => e.source === node.id),
    ) !== null
  )
}
