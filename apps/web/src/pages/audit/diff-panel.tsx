import { useMemo, useState } from 'react'
import { type FieldChange, format, type ItemDiff, type Workflow } from '../../lib/engine'
import { DIFF_COLOURS } from './canvas-parts'
import { countChanges, type DiffView } from './diff-model'
import { diffLines, toHunks } from './line-diff'
import type { CanvasSelection } from './read-only-canvas'

/** The diff's side panel: every change field by field, or the notation as a line diff. */
export function DiffPanel({
  view,
  before,
  after,
  selection,
  onPick,
}: {
  view: DiffView
  before: Workflow
  after: Workflow
  selection: CanvasSelection
  onPick: (selection: NonNullable<CanvasSelection>) => void
}) {
  const [tab, setTab] = useState<'changes' | 'notation'>('changes')
  const counts = countChanges(view.diff)
  const total = counts.added + counts.removed + counts.changed + view.diff.workflow.length
  const tabButton = (id: typeof tab, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={tab === id}
      onClick={() => setTab(id)}
      data-testid={`diff-tab-${id}`}
      className={`-mb-px border-b-2 px-1 pb-2 text-[13px] font-medium ${
        tab === id
          ? 'border-indigo-600 text-indigo-700'
          : 'border-transparent text-slate-500 hover:text-slate-800'
      }`}
    >
      {label}
    </button>
  )
  return (
    <div className="flex h-full flex-col">
      <div role="tablist" className="flex shrink-0 gap-5 border-b border-slate-200 px-4 pt-3">
        {tabButton('changes', `Changes (${total})`)}
        {tabButton('notation', 'Notation')}
      </div>
      <div className="min-h-0 flex-1 overflow-auto">
        {tab === 'changes' ? (
          <ChangeList view={view} selection={selection} onPick={onPick} />
        ) : (
          <NotationDiff before={before} after={after} />
        )}
      </div>
    </div>
  )
}

function ChangeList({
  view,
  selection,
  onPick,
}: {
  view: DiffView
  selection: CanvasSelection
  onPick: (selection: NonNullable<CanvasSelection>) => void
}) {
  const { diff, union } = view
  const nodeName = (id: string) => union.nodes.find((n) => n.id === id)?.label || id
  if (diff.nodes.length + diff.edges.length + diff.groups.length + diff.workflow.length === 0)
    return (
      <p className="px-4 py-6 text-[12.5px] text-slate-500" data-testid="no-changes">
        These versions behave the same.
        {diff.moved.length > 0 && ` ${diff.moved.length} node(s) only moved on the canvas.`}
      </p>
    )
  const item = (kind: 'node' | 'edge' | 'group', d: ItemDiff<unknown>, title: string, subtitle?: string) => {
    const c = DIFF_COLOURS[d.status]
    const active = selection?.kind === kind && selection.id === d.id
    const pickable = kind !== 'group'
    return (
      <li
        key={`${kind}:${d.id}`}
        data-testid="change-item"
        data-kind={kind}
        data-id={d.id}
        data-diff={d.status}
      >
        <button
          type="button"
          disabled={!pickable}
          onClick={() => pickable && onPick({ kind: kind as 'node' | 'edge', id: d.id })}
          className={`flex w-full items-start gap-2 rounded-md px-2 py-1.5 text-left ${
            active ? 'bg-indigo-50 ring-1 ring-indigo-200' : pickable ? 'hover:bg-slate-50' : ''
          }`}
        >
          <span
            className="mt-px flex h-[18px] w-[18px] shrink-0 items-center justify-center rounded-full text-[12px] font-bold text-white"
            style={{ background: c.css }}
            aria-hidden
          >
            {c.sign}
          </span>
          <span className="min-w-0 flex-1">
            <span className="flex items-baseline gap-2">
              <span className="truncate text-[12.5px] font-medium text-slate-800">{title}</span>
              <span className={`shrink-0 text-[11px] font-semibold ${c.text}`}>{c.label}</span>
            </span>
            {subtitle && (
              <span className="block truncate font-mono text-[11px] text-slate-400">{subtitle}</span>
            )}
            {d.changes.length > 0 && (
              <ul className="mt-1 space-y-1">
                {d.changes.map((ch) => (
                  <FieldChangeRow key={`${ch.field}:${ch.path ?? ''}`} change={ch} />
                ))}
              </ul>
            )}
          </span>
        </button>
      </li>
    )
  }
  return (
    <div className="space-y-4 px-2 py-3" data-testid="change-list">
      {diff.workflow.length > 0 && (
        <Section title="Workflow">
          <ul className="space-y-1 px-2">
            {diff.workflow.map((ch) => (
              <FieldChangeRow key={ch.field} change={ch} />
            ))}
          </ul>
        </Section>
      )}
      {diff.nodes.length > 0 && (
        <Section title={`Nodes (${diff.nodes.length})`}>
          <ul>{diff.nodes.map((d) => item('node', d, (d.after ?? d.before)?.label || d.id, d.id))}</ul>
        </Section>
      )}
      {diff.edges.length > 0 && (
        <Section title={`Connections (${diff.edges.length})`}>
          <ul>
            {diff.edges.map((d) => {
              const e = (d.after ?? d.before)!
              return item(
                'edge',
                d,
                `${nodeName(e.source)} → ${nodeName(e.target)}`,
                e.label ? `[${e.label}]` : d.id,
              )
            })}
          </ul>
        </Section>
      )}
      {diff.groups.length > 0 && (
        <Section title={`Groups (${diff.groups.length})`}>
          <ul>{diff.groups.map((d) => item('group', d, (d.after ?? d.before)?.title || d.id, d.id))}</ul>
        </Section>
      )}
      {diff.moved.length > 0 && (
        <p className="px-2 text-[11.5px] text-slate-400">
          {diff.moved.length} node{diff.moved.length > 1 ? 's' : ''} only moved on the canvas (not listed).
        </p>
      )}
    </div>
  )
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section>
      <h3 className="mb-1 px-2 text-[11px] font-semibold tracking-wide text-slate-500 uppercase">{title}</h3>
      {children}
    </section>
  )
}

const FIELD_NAMES: Record<string, string> = {
  label: 'Label',
  condition: 'Condition',
  type: 'Type',
  shape: 'Shape',
  group: 'Group',
  config: 'Configuration',
  source: 'From node',
  target: 'To node',
  sourceHandle: 'From side',
  targetHandle: 'To side',
  title: 'Title',
  description: 'Description',
  tests: 'Test cases',
}

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '∅'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 140 ? `${text.slice(0, 139)}…` : text
}

function FieldChangeRow({ change }: { change: FieldChange }) {
  const name = FIELD_NAMES[change.field] ?? change.field
  return (
    <li className="text-[11.5px] leading-snug" data-testid="field-change" data-field={change.field}>
      <span className="font-medium text-slate-600">
        {name}
        {change.path && <span className="font-mono text-slate-500"> · {change.path}</span>}
      </span>
      <div className="mt-0.5 flex flex-wrap items-baseline gap-1 font-mono">
        <span className="rounded bg-red-50 px-1 break-all text-red-700 line-through decoration-red-300">
          {show(change.before)}
        </span>
        <span className="text-slate-400">
          <span aria-hidden>→</span>
          <span className="sr-only">changed to</span>
        </span>
        <span className="rounded bg-emerald-50 px-1 break-all text-emerald-800">{show(change.after)}</span>
      </div>
    </li>
  )
}

/** `format(a)` against `format(b)`: the change as the `.flow` file a reviewer would read. */
function NotationDiff({ before, after }: { before: Workflow; after: Workflow }) {
  const hunks = useMemo(() => toHunks(diffLines(format(before), format(after))), [before, after])
  if (hunks.length === 0)
    return (
      <p className="px-4 py-6 text-[12.5px] text-slate-500">The notation of both versions is identical.</p>
    )
  return (
    <div className="py-2 font-mono text-[11.5px] leading-[1.55]" data-testid="notation-diff">
      {hunks.map((h) => (
        <div key={`${h.aStart}:${h.bStart}`} className="mb-2">
          <div className="bg-slate-100 px-3 py-0.5 text-slate-500">
            @@ −{h.aStart} +{h.bStart} @@
          </div>
          {h.lines.map((l, i) => (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed hunk never reorder
              key={i}
              data-kind={l.kind}
              className={`flex whitespace-pre ${
                l.kind === 'add'
                  ? 'bg-emerald-50 text-emerald-900'
                  : l.kind === 'del'
                    ? 'bg-red-50 text-red-900'
                    : 'text-slate-600'
              }`}
            >
              <span className="w-9 shrink-0 pr-1 text-right text-slate-400 select-none">{l.a ?? ''}</span>
              <span className="w-9 shrink-0 pr-1 text-right text-slate-400 select-none">{l.b ?? ''}</span>
              <span className="w-4 shrink-0 text-center select-none">
                {l.kind === 'add' ? '+' : l.kind === 'del' ? '−' : ' '}
              </span>
              <span className="pr-3">{l.text}</span>
            </div>
          ))}
        </div>
      ))}
    </div>
  )
}
