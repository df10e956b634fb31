import { memo } from 'react'
import { type RunSummary, useRunHistory } from '../../api/runs'
import { relativeTime } from '../../lib/download'
import { navigate, runPath } from '../../lib/router'
import { automaticTrigger } from '../../lib/run-status'
import { useEditor } from '../../store/context'
import { formatDuration } from '../../store/trace'
import { RunStatusChip, Tag } from './run-status'

/** Test and production runs of this workflow, newest first; a click replays one on the canvas. */
export const RunHistory = memo(function RunHistory({ onOpen }: { onOpen: (run: RunSummary) => void }) {
  const workflowId = useEditor((s) => s.workflowId)
  const shown = useEditor((s) => s.trace.runId)
  const history = useRunHistory(workflowId)
  if (history.isPending) return <p className="py-4 text-center text-[12.5px] text-slate-400">Loading runs…</p>
  if (history.isError) return <p className="py-4 text-[12.5px] text-red-600">{history.error.message}</p>
  if (history.data.length === 0)
    return (
      <p className="rounded-lg bg-slate-50 px-3 py-2.5 text-[12.5px] text-slate-500">
        No runs yet. Test runs you start here and production runs from real events are listed here.
      </p>
    )
  return (
    <ul className="-mx-1 space-y-px" data-testid="run-history">
      {history.data.map((run) => (
        <li key={run.id}>
          <div
            className={`group flex items-center gap-2 rounded-md px-1.5 py-1.5 ${
              run.id === shown ? 'bg-indigo-50 ring-1 ring-indigo-200' : 'hover:bg-slate-50'
            }`}
          >
            <button
              type="button"
              onClick={() => onOpen(run)}
              data-testid="run-history-row"
              data-run-id={run.id}
              data-status={run.status}
              className="min-w-0 flex-1 text-left"
              title="Show this run on the canvas"
            >
              <div className="flex items-center gap-1.5 text-[12.5px] text-slate-800">
                <RunStatusChip
                  status={run.status}
                  waitingUntil={run.waitingUntil}
                  waitingKind={run.waitingKind}
                />
                <span className="font-medium">{run.kind === 'test' ? 'Test' : 'Production'}</span>
                <span className="text-slate-500">{run.version ? `v${run.version}` : 'draft'}</span>
                {run.kind === 'test' && (run.dryRun ? <Tag>dry</Tag> : <Tag tone="red">live</Tag>)}
                {run.retryOf && <Tag>retry</Tag>}
              </div>
              <div className="mt-0.5 flex gap-2 pl-0.5 text-[11.5px] text-slate-500">
                <span>{automaticTrigger(run.trigger) ?? `by ${run.actor ?? 'someone'}`}</span>
                <span>·</span>
                <span className="tabular-nums">{formatDuration(run.durationMs ?? undefined) || '—'}</span>
                <span>·</span>
                <span title={run.startedAt}>{relativeTime(run.startedAt)}</span>
              </div>
            </button>
            <button
              type="button"
              onClick={() => navigate(runPath(run.id))}
              className="shrink-0 rounded px-1.5 py-0.5 text-[11.5px] text-slate-500 opacity-0 group-hover:opacity-100 hover:bg-white hover:text-indigo-700 focus:opacity-100"
              title="Open this run on the canvas of the version that ran"
              data-testid="run-history-open"
            >
              Open ↗
            </button>
          </div>
        </li>
      ))}
    </ul>
  )
})
