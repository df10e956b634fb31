import type { WorkflowAnalytics } from '../../api/analytics'
import type { Workflow } from '../../lib/engine'
import { useAnalyticsState } from './analytics-state'
import { liftInterval, useLatestSignificance } from './significance-latest'
import { SplitPanel } from './split-panel'

const pct = (x: number) => `${(x * 100).toFixed(1)} %`

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
  const state = useAnalyticsState()
  const labelOf = (id: string) => graph.nodes.find((n) => n.id === id)?.label || id
  const tests = graph.nodes.filter((n) => n.type === 'significance')
  if (Object.keys(data.splits).length === 0 && tests.length === 0) return null
  return (
    // Scrolls on its own on short screens, so the bar never runs off the bottom of the canvas.
    <div data-testid="experiment-results" className="max-h-[calc(100vh-420px)] min-h-[160px] overflow-y-auto">
      {Object.entries(data.splits).map(([nodeId, split]) => (
        <SplitPanel
          key={nodeId}
          nodeId={nodeId}
          label={labelOf(nodeId)}
          split={split}
          data={data}
          onGoal={(goal) => state?.setGoal(nodeId, goal)}
        />
      ))}
      {tests.map((n) => (
        <SignificancePanel key={n.id} workflowId={workflowId} nodeId={n.id} label={labelOf(n.id)} />
      ))}
    </div>
  )
}
