import { lazy, Suspense, useMemo } from 'react'
import type { WorkflowAnalytics } from '../../api/analytics'
import type { ChartSeries } from './uplot-chart'

const UPlotChart = lazy(() => import('./uplot-chart'))

const STATUS_COLOURS: [keyof WorkflowAnalytics['runs'], string, string][] = [
  ['succeeded', 'Succeeded', '#059669'],
  ['failed', 'Failed', '#dc2626'],
  ['cancelled', 'Cancelled', '#ea580c'],
  ['waiting', 'Waiting now', '#7c3aed'],
]

/** Every hour of the window, so quiet hours show as zero instead of a line across them. */
export function hoursOf(fromHour: string, toHour: string): number[] {
  const out: number[] = []
  const end = Date.parse(`${toHour}:00:00Z`)
  for (let t = Date.parse(`${fromHour}:00:00Z`); t <= end && out.length < 24 * 400; t += 3_600_000)
    out.push(t)
  return out
}

/** Runs per hour (of their start) by how they ended, for the window on screen. */
export function VolumeChart({ data }: { data: WorkflowAnalytics }) {
  const { times, series } = useMemo(() => {
    const hours = hoursOf(data.fromHour, data.toHour)
    const at = new Map(data.series.map((row) => [Date.parse(row.hour), row]))
    const series: ChartSeries[] = STATUS_COLOURS.map(([key, label, colour]) => ({
      label,
      colour,
      values: hours.map((h) => at.get(h)?.[key] ?? 0),
    }))
    return { times: hours.map((h) => h / 1000), series }
  }, [data])
  return (
    <Suspense fallback={<div className="h-[140px] text-[12px] text-slate-400">Loading chart…</div>}>
      <UPlotChart times={times} series={series} testId="volume-chart" />
    </Suspense>
  )
}
