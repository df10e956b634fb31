import { lazy, Suspense, useMemo, useState } from 'react'
import type { WorkflowAnalytics } from '../../api/analytics'
import { formatCount, formatShare } from '../../canvas/analytics-overlay'
import { hoursOf } from './volume-chart'

const UPlotChart = lazy(() => import('./uplot-chart'))
const VARIANT_COLOURS = ['#4f46e5', '#0891b2', '#d97706', '#db2777']

type Split = WorkflowAnalytics['splits'][string]
type Metric = 'exposures' | 'conversions'

const rate = (conversions: number, exposures: number) =>
  exposures > 0 ? `${((conversions / exposures) * 100).toFixed(1)} %` : '–'

/** Labels of the downstream steps, with the id where two steps share a label. */
function stepOptions(steps: Split['steps']) {
  const seen = new Map<string, number>()
  for (const s of steps) seen.set(s.label, (seen.get(s.label) ?? 0) + 1)
  return steps.map((s) => ({
    value: s.nodeId,
    label: (seen.get(s.label) ?? 0) > 1 ? `${s.label} (${s.nodeId})` : s.label,
  }))
}

/**
 * An A/B split's results over the window: per variant its exposures (runs taking its edge),
 * conversions (of those, runs reaching the conversion step) and rate, and either per hour.
 */
export function SplitPanel({
  nodeId,
  label,
  split,
  data,
  onGoal,
}: {
  nodeId: string
  label: string
  split: Split
  data: WorkflowAnalytics
  /** Choosing a conversion step changes only this person's view: viewers may too. */
  onGoal(nodeId: string): void
}) {
  const { goal, variants } = split
  const [picked, setMetric] = useState<Metric>('conversions')
  const metric: Metric = goal ? picked : 'exposures'
  const total = variants.reduce((n, v) => n + v.exposures, 0)
  const { times, series } = useMemo(() => {
    const hours = hoursOf(data.fromHour, data.toHour)
    return {
      times: hours.map((h) => h / 1000),
      series: variants.map((v, i) => {
        const at = new Map(v.hourly.map((x) => [Date.parse(x.hour), x[metric]]))
        return { label: v.variant, colour: VARIANT_COLOURS[i % 4], values: hours.map((h) => at.get(h) ?? 0) }
      }),
    }
  }, [variants, data, metric])
  const cell = 'py-0.5 pr-3 text-right tabular-nums'
  return (
    <section data-testid={`split-results-${nodeId}`} className="mt-3 border-t border-slate-100 pt-2">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <h3 className="mr-auto text-[12px] font-semibold text-slate-700">A/B split · {label}</h3>
        <label className="flex items-center gap-1 text-[12px] text-slate-600">
          Conversion step
          <select
            data-testid={`split-goal-${nodeId}`}
            className="max-w-[180px] rounded-md border border-slate-300 bg-white px-1.5 py-0.5 text-[12px] text-slate-700"
            value={goal?.nodeId ?? ''}
            onChange={(e) => onGoal(e.target.value)}
          >
            {!goal && <option value="">Choose…</option>}
            {stepOptions(split.steps).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        {goal?.auto && (
          <span
            className="rounded bg-slate-100 px-1 text-[10px] text-slate-500"
            title="Found by its name; pick another step to count conversions there"
          >
            auto
          </span>
        )}
      </div>
      {!goal && (
        <p className="text-[11px] text-amber-700" data-testid={`split-goal-missing-${nodeId}`}>
          Choose the step that counts as a conversion.
        </p>
      )}
      <table className="mt-1 w-full text-[12px] text-slate-600">
        <thead>
          <tr className="text-[11px] text-slate-400">
            <th className="py-0.5 text-left font-normal">Variant</th>
            <th className={`${cell} font-normal`}>Exposures</th>
            <th className={`${cell} font-normal`}>Conversions</th>
            <th className="py-0.5 text-right font-normal">Rate</th>
          </tr>
        </thead>
        <tbody>
          {variants.map((v, i) => (
            <tr
              key={v.edgeId}
              data-testid={`split-variant-${nodeId}-${v.variant}`}
              data-exposures={v.exposures}
              data-conversions={goal ? v.conversions : undefined}
            >
              <td className="py-0.5 text-left font-medium text-slate-800">
                <span
                  className="mr-1.5 inline-block size-2 rounded-full"
                  style={{ background: VARIANT_COLOURS[i % 4] }}
                />
                {v.variant}
              </td>
              <td className={cell}>
                {formatCount(v.exposures)}{' '}
                <span className="text-slate-400">({formatShare(total ? v.exposures / total : null)})</span>
              </td>
              <td className={cell}>{goal ? formatCount(v.conversions) : '–'}</td>
              <td className="py-0.5 text-right font-medium tabular-nums text-slate-800">
                {goal ? rate(v.conversions, v.exposures) : '–'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-1 flex items-center gap-2 text-[11px] text-slate-500">
        <span>Per hour:</span>
        <div className="inline-flex overflow-hidden rounded-md border border-slate-300">
          {(['exposures', 'conversions'] as const).map((m) => (
            <button
              key={m}
              type="button"
              data-testid={`split-metric-${nodeId}-${m}`}
              aria-pressed={metric === m}
              disabled={m === 'conversions' && !goal}
              onClick={() => setMetric(m)}
              className={`px-2 py-0.5 capitalize disabled:cursor-not-allowed disabled:text-slate-300 ${
                metric === m ? 'bg-indigo-50 font-medium text-indigo-700' : 'bg-white text-slate-600'
              }`}
            >
              {m}
            </button>
          ))}
        </div>
      </div>
      <Suspense fallback={<div className="h-[130px]" />}>
        <UPlotChart
          times={times}
          series={series}
          height={130}
          legend={false}
          testId={`split-chart-${nodeId}`}
        />
      </Suspense>
    </section>
  )
}
