import { EdgeLabelRenderer } from '@xyflow/react'
import { memo } from 'react'
import { formatCount, formatShare, useAnalyticsOverlay } from './analytics-overlay'

/**
 * How many runs took an edge and its share of the runs leaving its source, drawn just below
 * the edge's label point (the label itself stays where the edge router put it).
 */
export const EdgeAnalyticsLabel = memo(function EdgeAnalyticsLabel({
  id,
  x,
  y,
}: {
  id: string
  x: number
  y: number
}) {
  const overlay = useAnalyticsOverlay()
  const counts = overlay?.edges[id]
  if (!overlay || !counts) return null
  if (counts.before !== undefined) return <PreviewLabel id={id} x={x} y={y} counts={counts} />
  return (
    <EdgeLabelRenderer>
      <div
        data-testid={`analytics-edge-${id}`}
        data-count={counts.count}
        data-share={counts.share ?? ''}
        // A branch's share is the news; a plain edge only carries its count, quietly.
        className={`nodrag nopan pointer-events-none absolute z-10 rounded-full px-1.5 text-[10.5px] leading-4 font-semibold whitespace-nowrap tabular-nums shadow-xs ${
          counts.branch ? 'bg-indigo-600 text-white' : 'border border-indigo-200 bg-white text-indigo-700'
        }`}
        style={{ transform: `translate(-50%, 0) translate(${x}px, ${y + 11}px)` }}
        title={`${counts.count} runs took this edge`}
      >
        {formatCount(counts.count)}
        {counts.branch && ` · ${formatShare(counts.share)}`}
      </div>
    </EdgeLabelRenderer>
  )
})

type Counts = NonNullable<ReturnType<typeof useAnalyticsOverlay>>['edges'][string]

/** Branch preview: the published split → the draft's, for the same replayed events; amber where it moves. */
function PreviewLabel({ id, x, y, counts }: { id: string; x: number; y: number; counts: Counts }) {
  const before = counts.before ?? null
  // A branch is judged by its share; an edge every run of its source takes, by its count.
  const from = before === null ? 'new' : counts.branch ? formatShare(before.share) : formatCount(before.count)
  const to = counts.branch ? formatShare(counts.share) : formatCount(counts.count)
  const moved = from !== to
  if (!counts.branch && !moved) return null
  return (
    <EdgeLabelRenderer>
      <div
        data-testid={`preview-edge-${id}`}
        data-before={from}
        data-after={to}
        className={`nodrag nopan pointer-events-none absolute z-10 rounded-full px-1.5 text-[10.5px] leading-4 font-semibold whitespace-nowrap tabular-nums shadow-xs ${
          moved ? 'bg-amber-500 text-white' : 'border border-slate-300 bg-white text-slate-600'
        }`}
        style={{ transform: `translate(-50%, 0) translate(${x}px, ${y + 11}px)` }}
        title={`Published: ${from} · this draft: ${to} (same recent events)`}
      >
        {from} → {to}
      </div>
    </EdgeLabelRenderer>
  )
}
