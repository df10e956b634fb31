import type { ReactNode } from 'react'
import type { WorkflowNode } from '../lib/engine'
import { Icon, type IconSource } from '../ui/icons'

/** Run states (trace): the ring shows the state; the border stays free to show selection. */
const TRACE_RING: Record<string, string> = {
  running: 'ring-4 ring-sky-200 animate-pulse',
  succeeded: 'ring-[3px] ring-emerald-300',
  failed: 'ring-4 ring-red-300',
  skipped: 'opacity-40',
  'not-reached': 'opacity-55',
  // Not reached yet in a live run: dimmed, so each step visibly lights up as it runs.
  pending: 'opacity-60',
  // The run is suspended here (a wait step) until its time comes.
  waiting: 'ring-4 ring-violet-200',
  cancelled: 'ring-[3px] ring-orange-200',
}
const TRACE_BORDER: Record<string, string> = {
  running: 'border-sky-500',
  succeeded: 'border-emerald-500',
  failed: 'border-red-500 bg-red-50!',
  skipped: 'border-dashed border-slate-300',
  waiting: 'border-violet-500 border-dashed',
  cancelled: 'border-orange-500',
}
const FADE: Record<string, string> = {
  skipped: 'opacity-40',
  'not-reached': 'opacity-55',
  pending: 'opacity-60',
}
const TRACE_DIAMOND: Record<string, string> = {
  running: 'fill-sky-50 stroke-sky-500',
  succeeded: 'fill-emerald-50 stroke-emerald-500',
  failed: 'fill-red-50 stroke-red-500',
  waiting: 'fill-violet-50 stroke-violet-500',
  cancelled: 'fill-orange-50 stroke-orange-500',
}

/** The three shapes drawn as themselves; `label` is the text or the in-place editor. */
export function NodeShape(props: {
  shape: WorkflowNode['shape']
  icon: IconSource
  label: ReactNode
  selected: boolean
  status?: string
}) {
  const status = props.status ?? ''
  const ring = props.selected && !TRACE_RING[status] ? 'ring-2 ring-indigo-200' : (TRACE_RING[status] ?? '')
  const border = props.selected
    ? 'border-indigo-500'
    : (TRACE_BORDER[status] ?? 'border-slate-300 group-hover/node:border-slate-400')
  if (props.shape === 'rectangle') {
    return (
      <div
        className={`flex h-full w-full items-center gap-1.5 rounded-lg border bg-white pr-1.5 pl-1.5 text-[14px] leading-[1.15] text-slate-800 shadow-[0_1px_2px_rgb(15_23_42/0.06)] ${border} ${ring}`}
      >
        <span className="flex h-5 w-5 shrink-0 items-center justify-center rounded-md bg-indigo-50 text-indigo-600">
          <Icon name={props.icon} size={13} />
        </span>
        <div className="relative min-w-0 flex-1">{props.label}</div>
      </div>
    )
  }
  if (props.shape === 'circle') {
    return (
      <div
        className={`flex h-full w-full flex-col items-center justify-center rounded-full border-[1.5px] bg-white text-center text-[13px] leading-tight font-medium text-slate-700 shadow-[0_1px_2px_rgb(15_23_42/0.06)] ${border} ${ring}`}
      >
        <Icon name={props.icon} size={12} className="text-emerald-600" />
        <div className="relative max-w-[56px]">{props.label}</div>
      </div>
    )
  }
  return (
    // The diamond shows its state in its own outline; a box-shaped ring would not fit it.
    <div className={`relative flex h-full w-full items-center justify-center ${FADE[status] ?? ''}`}>
      <svg
        className="absolute inset-0 h-full w-full overflow-visible"
        viewBox="0 0 100 100"
        preserveAspectRatio="none"
        aria-hidden
      >
        <polygon
          points="50,1 99,50 50,99 1,50"
          vectorEffect="non-scaling-stroke"
          className={
            props.selected
              ? 'fill-indigo-50 stroke-indigo-500'
              : (TRACE_DIAMOND[status] ?? 'fill-amber-50 stroke-amber-400')
          }
          strokeWidth={props.selected || TRACE_DIAMOND[status] ? 2 : 1.25}
        />
      </svg>
      <div className="relative flex max-w-[62%] flex-col items-center text-center text-[13px] leading-[1.1] text-slate-800">
        <Icon name={props.icon} size={11} className="text-amber-600" />
        <div className="relative">{props.label}</div>
      </div>
    </div>
  )
}
