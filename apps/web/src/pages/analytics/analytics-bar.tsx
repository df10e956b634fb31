import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { errorMessage, useTRPC } from '../../api/trpc'
import { formatCount } from '../../canvas/analytics-overlay'
import type { Workflow } from '../../lib/engine'
import { useAnalyticsState, WINDOWS, type WindowName } from './analytics-state'
import { ExperimentResults } from './split-results'
import { VolumeChart } from './volume-chart'

const selectClass = 'rounded-md border border-slate-300 bg-white px-1.5 py-0.5 text-[12px] text-slate-700'

/**
 * The analytics controls over the canvas while analytics are on: window and version, the
 * run totals, and on demand the volume chart and the experiments' results.
 */
export function AnalyticsBar({ graph, children }: { graph: Workflow; children?: React.ReactNode }) {
  const state = useAnalyticsState()
  const trpc = useTRPC()
  // Asked for only once analytics are on: opening the editor costs nothing more.
  const versions = useQuery(
    trpc.versions.list.queryOptions({ workflowId: state?.workflowId ?? '' }, { enabled: !!state?.open }),
  )
  // The chart folds away by default: the bar then hides little of the canvas.
  const [expanded, setExpanded] = useState(false)
  if (!state?.open) return null
  const { data } = state
  return (
    <div
      data-testid="analytics-bar"
      className="absolute top-2 left-2 z-10 w-[480px] max-w-[calc(100%-1rem)] rounded-lg border border-slate-200 bg-white px-3 py-2 shadow-md"
    >
      <div className="flex flex-wrap items-center gap-2 text-[12px]">
        <span className="font-semibold text-slate-800">Analytics</span>
        <select
          aria-label="Analytics window"
          data-testid="analytics-window"
          className={selectClass}
          value={state.window}
          onChange={(e) => state.setWindow(e.target.value as WindowName)}
        >
          {WINDOWS.map((w) => (
            <option key={w.value} value={w.value}>
              {w.label}
            </option>
          ))}
        </select>
        <select
          aria-label="Analytics version"
          data-testid="analytics-version"
          className={selectClass}
          value={state.version ?? ''}
          onChange={(e) => state.setVersion(e.target.value ? Number(e.target.value) : null)}
        >
          <option value="">All versions</option>
          {(versions.data ?? []).map((v) => (
            <option key={v.number} value={v.number}>
              Version {v.number}
            </option>
          ))}
        </select>
        {state.loading && <span className="text-slate-400">updating…</span>}
        <button
          type="button"
          className="ml-auto text-[12px] text-indigo-700 hover:underline"
          data-testid="analytics-chart-toggle"
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? 'Hide chart' : 'Show chart'}
        </button>
      </div>
      {state.window === 'custom' && (
        <div className="mt-1.5 flex items-center gap-1.5 text-[12px] text-slate-600">
          <input
            type="datetime-local"
            aria-label="From"
            className={selectClass}
            value={state.custom.from}
            onChange={(e) => state.setCustom({ ...state.custom, from: e.target.value })}
          />
          to
          <input
            type="datetime-local"
            aria-label="To"
            className={selectClass}
            value={state.custom.to}
            onChange={(e) => state.setCustom({ ...state.custom, to: e.target.value })}
          />
        </div>
      )}
      {state.error ? (
        <p className="mt-1 text-[12px] text-red-600">{errorMessage(state.error)}</p>
      ) : data ? (
        <>
          <p className="mt-1 text-[12px] text-slate-600" data-testid="analytics-totals">
            <Total label="succeeded" n={data.runs.succeeded} className="text-emerald-700" /> ·{' '}
            <Total label="failed" n={data.runs.failed} className="text-red-700" /> ·{' '}
            <Total label="cancelled" n={data.runs.cancelled} className="text-orange-700" /> ·{' '}
            <Total label="waiting now" n={data.runs.waiting} className="text-violet-700" />
            <span className="text-slate-400"> — by the hour each run started</span>
          </p>
          {expanded && (
            <>
              <VolumeChart data={data} />
              <ExperimentResults graph={graph} data={data} workflowId={state.workflowId} />
            </>
          )}
        </>
      ) : (
        <p className="mt-1 text-[12px] text-slate-400">Loading…</p>
      )}
      {children}
    </div>
  )
}

function Total({ label, n, className }: { label: string; n: number; className: string }) {
  return (
    <span data-testid={`analytics-total-${label.split(' ')[0]}`} data-count={n}>
      <span className={`font-semibold ${className}`}>{formatCount(n)}</span> {label}
    </span>
  )
}
