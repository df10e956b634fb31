import { memo } from 'react'
import { formatCount, useAnalyticsOverlay } from './analytics-overlay'

/**
 * A step's traffic on it: reached / succeeded / failed / waiting, or an End node's
 * completions. Nothing while analytics are off.
 */
export const AnalyticsBadge = memo(function AnalyticsBadge({ id, circle }: { id: string; circle: boolean }) {
  const overlay = useAnalyticsOverlay()
  if (!overlay) return null
  const counts = overlay.nodes[id] ?? { reached: 0, succeeded: 0, failed: 0, waiting: 0 }
  const end = overlay.ends[id]
  return (
    <div
      data-testid={`analytics-node-${id}`}
      data-reached={counts.reached}
      data-succeeded={counts.succeeded}
      data-failed={counts.failed}
      data-waiting={counts.waiting}
      {...(end !== undefined ? { 'data-completions': end } : {})}
      // On the node's lower border, clear of edge labels; left, where a run's duration badge is not.
      className={`pointer-events-none absolute -bottom-2.5 z-20 flex items-center gap-1 rounded-full border border-indigo-200 bg-white px-1.5 text-[10.5px] leading-4 font-medium whitespace-nowrap tabular-nums shadow-xs ${
        circle ? 'left-1/2 -translate-x-1/2' : 'left-2'
      }`}
    >
      {end !== undefined ? (
        <span className="text-indigo-800" title="Runs that finished here">
          ✓ {formatCount(end)} completed
        </span>
      ) : (
        <>
          <span className="text-slate-700" title="Runs that reached this step">
            {formatCount(counts.reached)} in
          </span>
          <span className="text-emerald-700" title="Runs in which it succeeded">
            ✓ {formatCount(counts.succeeded)}
          </span>
          {counts.failed > 0 && (
            <span className="text-red-700" title="Runs in which it failed">
              ✕ {formatCount(counts.failed)}
            </span>
          )}
          {counts.waiting > 0 && (
            <span className="text-violet-700" title="Runs waiting here now">
              ⏸ {formatCount(counts.waiting)}
            </span>
          )}
        </>
      )}
    </div>
  )
})
