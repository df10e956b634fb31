import { useState } from 'react'
import type { VersionSummary } from '../../api/audit'
import { relativeTime } from '../../lib/download'
import { diffPath, historyPath, navigate } from '../../lib/router'
import { Button } from '../../ui/button'
import { formatDateTime, Link, ValidationState } from './ui'

/**
 * A workflow's versions newest first: who saved each, when, why (the save message), whether
 * it validated, and which one is — or was — live. Picking two compares them.
 */
export function VersionTimeline({
  workflowId,
  versions,
  shown,
}: {
  workflowId: string
  versions: VersionSummary[]
  shown?: number
}) {
  return (
    <div>
      {versions.length > 1 && <CompareForm workflowId={workflowId} versions={versions} />}
      <ol className="relative px-4 pb-6" data-testid="version-timeline">
        {versions.map((v, i) => (
          <TimelineItem
            key={v.number}
            workflowId={workflowId}
            v={v}
            latest={i === 0}
            last={i === versions.length - 1}
            active={v.number === shown}
          />
        ))}
      </ol>
    </div>
  )
}

function TimelineItem(props: {
  workflowId: string
  v: VersionSummary
  latest: boolean
  last: boolean
  active: boolean
}) {
  const { v, workflowId } = props
  const wasPublished = !v.published && !!v.publishedAt
  return (
    <li className="relative pl-6" data-testid="version-item" data-version={v.number}>
      {/* The timeline's spine and this version's dot. */}
      {!props.last && <span className="absolute top-4 bottom-0 left-[7px] w-px bg-slate-200" />}
      <span
        className={`absolute top-[13px] left-[3px] h-[9px] w-[9px] rounded-full ring-2 ring-white ${
          v.published ? 'bg-emerald-500' : props.active ? 'bg-indigo-500' : 'bg-slate-300'
        }`}
      />
      <button
        type="button"
        onClick={() => navigate(historyPath(workflowId, v.number))}
        aria-current={props.active ? 'true' : undefined}
        className={`mb-1 w-full rounded-lg border px-3 py-2 text-left transition ${
          props.active
            ? 'border-indigo-300 bg-indigo-50/60 shadow-xs'
            : 'border-transparent hover:border-slate-200 hover:bg-slate-50'
        }`}
      >
        <div className="flex flex-wrap items-center gap-1.5">
          <span className="text-[13px] font-semibold text-slate-900">v{v.number}</span>
          {props.latest && (
            <span className="rounded bg-slate-100 px-1.5 py-px text-[10.5px] font-medium text-slate-600">
              Latest
            </span>
          )}
          {v.published && (
            <span
              className="rounded bg-emerald-50 px-1.5 py-px text-[10.5px] font-medium text-emerald-700 ring-1 ring-emerald-200"
              data-testid="published-badge"
            >
              Published
            </span>
          )}
          {wasPublished && (
            <span
              className="rounded bg-slate-50 px-1.5 py-px text-[10.5px] font-medium text-slate-500 ring-1 ring-slate-200"
              data-testid="was-published-badge"
            >
              Was published
            </span>
          )}
          <span className="ml-auto">
            <ValidationState errors={v.errorCount} warnings={v.warningCount} />
          </span>
        </div>
        <div className={`mt-0.5 text-[12.5px] ${v.message ? 'text-slate-700' : 'text-slate-400 italic'}`}>
          {v.message || 'No message'}
        </div>
        <div className="mt-0.5 text-[11.5px] text-slate-500" title={relativeTime(v.createdAt)}>
          <span data-testid="version-author">{v.author}</span> · {formatDateTime(v.createdAt)}
        </div>
        {v.publishedAt && (
          <div className="mt-0.5 text-[11.5px] text-emerald-700">
            {v.published ? 'Live since' : 'Last published'} {formatDateTime(v.publishedAt)}
          </div>
        )}
      </button>
      {v.number > 1 && (
        <div className="mb-2 pl-3 text-[11.5px]">
          <Link to={diffPath(workflowId, v.number - 1, v.number)} testId={`diff-prev-${v.number}`}>
            Changes from v{v.number - 1}
          </Link>
        </div>
      )}
    </li>
  )
}

function CompareForm({ workflowId, versions }: { workflowId: string; versions: VersionSummary[] }) {
  const [from, setFrom] = useState(versions[1].number)
  const [to, setTo] = useState(versions[0].number)
  const select = (value: number, set: (n: number) => void, label: string) => (
    <select
      aria-label={label}
      value={value}
      onChange={(e) => set(Number(e.target.value))}
      className="h-7 rounded-md border border-slate-300 bg-white px-1.5 text-[12.5px] outline-none focus:border-indigo-500"
    >
      {versions.map((v) => (
        <option key={v.number} value={v.number}>
          v{v.number}
        </option>
      ))}
    </select>
  )
  return (
    <div className="mb-3 flex items-center gap-1.5 border-b border-slate-100 px-4 py-3 text-[12.5px] text-slate-600">
      Compare
      {select(from, setFrom, 'Compare from version')}
      <span aria-hidden>→</span>
      {select(to, setTo, 'Compare to version')}
      <Button
        size="sm"
        className="ml-auto"
        disabled={from === to}
        onClick={() => navigate(diffPath(workflowId, from, to))}
        data-testid="compare-button"
      >
        Compare
      </Button>
    </div>
  )
}
