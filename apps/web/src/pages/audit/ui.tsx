import type { ReactNode, SelectHTMLAttributes } from 'react'
import { navigate } from '../../lib/router'
import type { RunStatus, WaitKind } from '../../lib/run-status'
import { RunStatusChip } from '../../panels/run/run-status'

/** Small presentational pieces shared by the audit pages. */

/** Absolute local time: an audit answers "when exactly", so relative time only goes in tooltips. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  if (ms < 1) return '<1 ms'
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

/** An in-app link: a real `href` (open in new tab, copy link) that navigates through the router. */
export function Link({
  to,
  children,
  className = 'text-indigo-700 hover:underline',
  testId,
  title,
}: {
  to: string
  children: ReactNode
  className?: string
  testId?: string
  title?: string
}) {
  return (
    <a
      href={`#${to}`}
      className={className}
      data-testid={testId}
      title={title}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return
        e.preventDefault()
        e.stopPropagation()
        navigate(to)
      }}
    >
      {children}
    </a>
  )
}

export interface Crumb {
  label: string
  to?: string
}

/** The bar at the top of each audit page: where you are, and page actions on the right. */
export function PageHeader({ crumbs, children }: { crumbs: Crumb[]; children?: ReactNode }) {
  return (
    <div className="flex min-h-12 shrink-0 flex-wrap items-center justify-between gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-5 py-2">
      <nav aria-label="Breadcrumb" className="flex min-w-0 items-center gap-1.5 text-[13px]">
        {crumbs.map((c, i) => (
          <span key={`${c.to ?? ''}:${c.label}`} className="flex min-w-0 items-center gap-1.5">
            {i > 0 && <span className="text-slate-300">/</span>}
            {c.to ? (
              <Link to={c.to} className="truncate text-slate-500 hover:text-slate-800">
                {c.label}
              </Link>
            ) : (
              <span className="truncate font-semibold text-slate-900">{c.label}</span>
            )}
          </span>
        ))}
        <span className="ml-2 rounded-full bg-slate-100 px-2 py-px text-[11px] font-medium text-slate-500">
          Read-only
        </span>
      </nav>
      {children && <div className="flex items-center gap-2">{children}</div>}
    </div>
  )
}

/** The audit area's two lists: workflows (into versions and diffs) and the activity log. */
export function AuditTabs({ active }: { active: 'workflows' | 'log' }) {
  const tab = (id: 'workflows' | 'log', label: string, to: string) => (
    <Link
      to={to}
      testId={`audit-tab-${id}`}
      className={`-mb-px border-b-2 px-1 pb-2 text-[13px] font-medium ${
        active === id
          ? 'border-indigo-600 text-indigo-700'
          : 'border-transparent text-slate-500 hover:text-slate-800'
      }`}
    >
      {label}
    </Link>
  )
  return (
    <div className="mb-5 flex gap-5 border-b border-slate-200">
      {tab('workflows', 'Workflows & versions', '/audit')}
      {tab('log', 'Activity log', '/audit/log')}
    </div>
  )
}

export function ValidationState({ errors, warnings }: { errors: number; warnings: number }) {
  if (errors === 0 && warnings === 0)
    return (
      <span
        className="inline-flex items-center gap-1 text-[11.5px] font-medium text-emerald-700"
        data-testid="validation"
      >
        <span className="h-1.5 w-1.5 rounded-full bg-emerald-500" /> Valid
      </span>
    )
  return (
    <span className="inline-flex items-center gap-2 text-[11.5px] font-medium" data-testid="validation">
      {errors > 0 && (
        <span className="inline-flex items-center gap-1 text-red-700">
          <span className="h-1.5 w-1.5 rounded-full bg-red-500" />
          {errors} error{errors > 1 ? 's' : ''}
        </span>
      )}
      {warnings > 0 && (
        <span className="inline-flex items-center gap-1 text-amber-700">
          <span className="h-1.5 w-1.5 rounded-full bg-amber-500" />
          {warnings} warning{warnings > 1 ? 's' : ''}
        </span>
      )}
    </span>
  )
}

/** A run's status in the audit tables: the same chip as the editor's, waiting runs say until when. */
export function RunStatusBadge({
  status,
  waitingUntil,
  waitingKind,
}: {
  status: RunStatus
  waitingUntil?: string | null
  waitingKind?: WaitKind | (string & {}) | null
}) {
  return (
    <RunStatusChip
      status={status}
      waitingUntil={waitingUntil}
      waitingKind={waitingKind}
      testId="run-status"
    />
  )
}

export function KindBadge({ kind, dryRun }: { kind: string; dryRun?: boolean }) {
  return kind === 'production' ? (
    <span className="rounded bg-violet-50 px-1.5 py-px text-[11.5px] font-medium text-violet-700">
      Production
    </span>
  ) : (
    <span className="rounded bg-slate-100 px-1.5 py-px text-[11.5px] font-medium text-slate-600">
      Test{dryRun ? ' · dry' : ''}
    </span>
  )
}

/** The header row of the audit area's tables; an empty name leaves an unlabelled column. */
export function TableHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr className="text-left text-[11.5px] font-semibold tracking-wide text-slate-500 uppercase">
        {columns.map((name, i) =>
          name ? (
            <th key={name} className="px-4 py-2 font-semibold">
              {name}
            </th>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: unlabelled columns have nothing else to key on
            <th key={`blank-${i}`} className="px-4 py-2" />
          ),
        )}
      </tr>
    </thead>
  )
}

/** A labelled filter control. */
export function FilterSelect({
  label,
  children,
  ...rest
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string }) {
  return (
    <label className="flex flex-col gap-0.5 text-[11px] font-semibold tracking-wide text-slate-500 uppercase">
      {label}
      <select
        {...rest}
        className="h-8 min-w-32 rounded-md border border-slate-300 bg-white px-2 text-[13px] font-normal tracking-normal text-slate-800 normal-case outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100"
      >
        {children}
      </select>
    </label>
  )
}

/** The "Workflow" filter shared by the runs list and the activity log. */
export function WorkflowFilter(props: {
  workflows: { id: string; title: string }[] | undefined
  value: string
  onChange: (id: string) => void
}) {
  return (
    <FilterSelect label="Workflow" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="">All workflows</option>
      {(props.workflows ?? []).map((w) => (
        <option key={w.id} value={w.id}>
          {w.title || 'Untitled workflow'}
        </option>
      ))}
    </FilterSelect>
  )
}

export function FilterInput({
  label,
  ...rest
}: React.InputHTMLAttributes<HTMLInputElement> & { label: string }) {
  return (
    <label className="flex flex-col gap-0.5 text-[11px] font-semibold tracking-wide text-slate-500 uppercase">
      {label}
      <input
        {...rest}
        className="h-8 rounded-md border border-slate-300 bg-white px-2 text-[13px] font-normal tracking-normal text-slate-800 normal-case outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100"
      />
    </label>
  )
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="px-4 py-10 text-center text-[13px] text-slate-400">{children}</p>
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="flex h-full items-center justify-center text-[13px] text-slate-400">
      <span className="animate-pulse">{label}</span>
    </div>
  )
}
