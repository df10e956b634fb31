/**
 * The one module that imports the charting library, loaded lazily (React.lazy) only when a
 * chart is shown. uPlot: ~50 KB minified (~22 KB gzipped), canvas-drawn, no dependencies;
 * Recharts would add ~400 KB with d3 and an SVG node per point — too much for two small
 * charts in an editor whose bundle we keep lean.
 */
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface ChartSeries {
  label: string
  colour: string
  values: number[]
}

export default function UPlotChart({
  times,
  series,
  height = 140,
  testId,
  legend = true,
}: {
  /** Epoch seconds, one per value. */
  times: number[]
  series: ChartSeries[]
  height?: number
  testId?: string
  /** Off where the colours are already named next to the chart (a table with swatches). */
  legend?: boolean
}) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = box.current
    if (!el) return
    const opts: uPlot.Options = {
      width: el.clientWidth || 480,
      height,
      // Labels only: live values on hover would make the legend jump under the pointer.
      legend: { show: legend, live: false },
      cursor: { points: { size: 5 } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { stroke: '#64748b', grid: { stroke: '#f1f5f9' }, ticks: { stroke: '#e2e8f0' } },
        { stroke: '#64748b', grid: { stroke: '#f1f5f9' }, ticks: { stroke: '#e2e8f0' }, size: 42 },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.colour,
          fill: `${s.colour}22`,
          width: 1.5,
          points: { show: times.length < 60 },
        })),
      ],
    }
    const plot = new uPlot(opts, [times, ...series.map((s) => s.values)], el)
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }))
    resize.observe(el)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [times, series, height, legend])
  // Important: uPlot's own stylesheet is not in a cascade layer, so it beats utilities.
  return <div ref={box} data-testid={testId} className="w-full text-[11px] [&_.u-legend]:text-[11px]!" />
}
