import { useMemo } from 'react'
import { type BranchRule, OPERATORS, readRules } from '../../lib/condition-builder'
import { readablePath, resolvePath } from '../../lib/data-paths'
import { effectiveType } from '../../lib/engine'
import { useEditor } from '../../store/context'

function inline(value: unknown): string {
  if (value === undefined) return 'no value'
  const text = JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

function ruleInWords(rule: BranchRule, field: string): string {
  const op = OPERATORS.find((o) => o.value === rule.operator)?.label ?? rule.operator
  return rule.operator === 'exists' ? `${field} exists` : `${field} ${op} ${rule.value}`
}

/**
 * Why a decision went where it went: the subject it evaluated, the value it got, and the
 * condition (edge label) that matched — or that none did and it took "else".
 */
export function DecisionOutcome({ nodeId }: { nodeId: string }) {
  const node = useEditor((s) => s.graph.nodes.find((n) => n.id === nodeId))
  const allEdges = useEditor((s) => s.graph.edges)
  const nodes = useEditor((s) => s.graph.nodes)
  const edgeStatus = useEditor((s) => s.trace.edges)
  const t = useEditor((s) => s.trace.nodes[nodeId])
  const runEvent = useEditor((s) => s.trace.event)
  const traceNodes = useEditor((s) => s.trace.nodes)
  const outgoing = useMemo(() => allEdges.filter((e) => e.source === nodeId), [allEdges, nodeId])
  if (!node || effectiveType(node, undefined) !== 'decision' || t?.status !== 'succeeded') return null
  const subject = (node.config as { subject?: string } | undefined)?.subject ?? ''
  const taken = outgoing.find((e) => edgeStatus[e.id] === 'taken')
  const target = taken && nodes.find((n) => n.id === taken.target)
  const rules = readRules(subject, outgoing)
  const rule = taken && rules?.rules.find((r) => r.edgeId === taken.id)
  const isElse = taken && (taken.label ?? '').trim().toLowerCase() === 'else'
  // What each field the rules check held in this run (the subject may only name the branch).
  const steps = Object.fromEntries(Object.entries(traceNodes).map(([id, n]) => [id, n.output]))
  const fields = [...new Set(rules?.rules.map((r) => r.field).filter((f) => f && f !== subject) ?? [])]
  return (
    <section
      className="mt-3 rounded-md border border-indigo-100 bg-indigo-50/40 p-2.5"
      data-testid="decision-outcome"
    >
      <h4 className="mb-1.5 text-[11px] font-semibold tracking-wide text-slate-500 uppercase">Decision</h4>
      <dl className="grid grid-cols-[72px_minmax(0,1fr)] gap-x-2 gap-y-1 text-[12px]">
        <dt className="text-slate-500">Checked</dt>
        <dd className="font-mono break-all text-slate-700" data-testid="decision-subject">
          {subject}
        </dd>
        <dt className="text-slate-500">Value</dt>
        <dd className="font-mono break-all text-slate-900" data-testid="decision-subject-value">
          {inline(t.output)}
        </dd>
        {fields.map((f) => (
          <FieldValue
            key={f}
            name={readablePath(f, nodes)}
            value={resolvePath(f, { event: runEvent, steps })}
          />
        ))}
        <dt className="text-slate-500">Matched</dt>
        <dd className="text-slate-800" data-testid="decision-matched">
          {!taken ? (
            'no branch was taken'
          ) : (
            <>
              {isElse ? (
                <span>no condition matched, so “else”</span>
              ) : (
                <code className="rounded bg-white px-1">
                  {rule ? ruleInWords(rule, readablePath(rule.field, nodes)) : taken.label}
                </code>
              )}{' '}
              → <span className="font-medium">{target?.label || taken.target}</span>
            </>
          )}
        </dd>
      </dl>
    </section>
  )
}

function FieldValue({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <dt className="truncate text-slate-500" title={name}>
        {name.split(' › ').pop()}
      </dt>
      <dd className="font-mono break-all text-slate-900" data-testid="decision-field-value">
        {inline(value)} <span className="font-sans text-[11px] text-slate-400">({name})</span>
      </dd>
    </>
  )
}
