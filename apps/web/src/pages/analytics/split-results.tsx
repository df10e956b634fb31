import { lazy, Suspense, useMemo } from 'react'
import type { WorkflowAnalytics } from '../../api/analytics'
import { formatCount, formatShare } from '../../canvas/analytics-overlay'
import type { Workflow } from '../../lib/engine'
import { liftInterval, useLatestSignificance } from './significance-latest'
import { hoursOf } from './volume-chart'

const UPlotChart = lazy(() => import('./uplot-chart'))
const VARIANT_COLOURS = ['#4f46e5', '#0891b2', '#d97706', '#db2777']

const pct = (x: number) => `${(x * 100).toFixed(1)} %`

/** An A/B split's exposures per variant over the window: totals, shares and per hour. */
function SplitPanel({
  nodeId,
  label,
  variants,
  data,
}: {
  nodeId: string
  label: string
  variants: WorkflowAnalytics['splits'][string]
  data: WorkflowAnalytics
}) {
  const total = variants.reduce((n, v) => n + v.total, 0)
  const { times, series } = useMemo(() => {
    const hours = hoursOf(data.fromHour, data.toHour)
    return {
      times: hours.map((h) => h / 1000),
      series: variants.map((v, i) => {
        const at = new Map(v.hourly.map((x) => [Date.parse(x.hour), x.count]))
        return { label: v.variant, colour: VARIANT_COLOURS[i % 4], values: hours.map((h) => at.get(h) ?? 0) }
      }),
    }
  }, [variants, data])
  return (
    <section data-testid={`split-results-${nodeId}`} className="mt-3">
      <h3 className="text-[12px] font-semibold text-slate-700">A/B split · {label}: exposures</h3>
      <ul className="mt-1 flex flex-wrap gap-x-4 text-[12px] text-slate-600">
        {variants.map((v) => (
          <li key={v.edgeId}>
            <span className="font-medium text-slate-800">{v.variant}</span> {formatCount(v.total)} (
            {formatShare(total ? v.total / total : null)})
          </li>
        ))}
      </ul>
      <Suspense fallback={null}>
        <UPlotChart times={times} series={series} height={110} />
      </Suspense>
    </section>
  )
}

/** A significance step's latest verdict: p-value and lift with its 95 % interval. */
function SignificancePanel({
  workflowId,
  nodeId,
  label,
}: {
  workflowId: string
  nodeId: string
  label: string
}) {
  const latest = useLatestSignificance(workflowId, nodeId, true)
  const o = latest.data?.output
  const ci = o ? liftInterval(o) : null
  return (
    <section data-testid={`significance-${nodeId}`} className="mt-3 text-[12px] text-slate-600">
      <h3 className="font-semibold text-slate-700">Significance · {label}</h3>
      {latest.isLoading ? (
        <p className="text-slate-400">Looking for its latest result…</p>
      ) : !o ? (
        <p className="text-slate-400">No recent production run has evaluated it yet.</p>
      ) : (
        <p>
          A {pct(o.rateA)} vs B {pct(o.rateB)} · p = {o.pValue.toFixed(4)} · lift {pct(o.lift)}
          {ci && ` (95 % CI ${pct(ci[0])} to ${pct(ci[1])})`} ·{' '}
          <span className={o.significant ? 'font-medium text-emerald-700' : ''}>
            {o.significant ? `winner: ${o.winner}` : 'not significant yet'}
          </span>
        </p>
      )}
    </section>
  )
}

/** Results of the workflow's experiments: its A/B splits and significance steps. */
export function ExperimentResults({
  graph,
  data,
  workflowId,
}: {
  graph: Workflow
  data: WorkflowAnalytics
  workflowId: string
}) {
  const labelOf = (id: string) => graph.nodes.find((n) => n.id === id)?.label || id
  const tests = graph.nodes.filter((n) => n.type === 'significance')
  if (Object.keys(data.splits).length === 0 && tests.length === 0) return null
  return (
    <div>
      {Object.entries(data.splits).map(([nodeId, variants]) => (
        <SplitPanel key={nodeId} nodeId={nodeId} label={labelOf(nodeId)} variants={variants} data={data} />
      ))}
      {tests.map((n) => (
        <SignificancePanel key={n.id} workflowId={workflowId} nodeId={n.id} label={labelOf(n.id)} />
      ))}
    </div>
  )
}
