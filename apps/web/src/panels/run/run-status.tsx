import { memo } from 'react'

export type AnyRunStatus =
  | 'idle'
  | 'running'
  | 'suspended'
  | 'succeeded'
  | 'failed'
  | 'interrupted'
  | 'skipped'

const CHIP: Record<AnyRunStatus, { label: string; className: string; dot: string }> = {
  idle: { label: 'Not run', className: 'bg-slate-100 text-slate-600 ring-slate-200', dot: 'bg-slate-400' },
  running: {
    label: 'Running',
    className: 'bg-sky-50 text-sky-700 ring-sky-200',
    dot: 'bg-sky-500 animate-pulse',
  },
  suspended: {
    label: 'Waiting',
    className: 'bg-violet-50 text-violet-700 ring-violet-200',
    dot: 'bg-violet-500',
  },
  succeeded: {
    label: 'Succeeded',
    className: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
    dot: 'bg-emerald-500',
  },
  failed: { label: 'Failed', className: 'bg-red-50 text-red-700 ring-red-200', dot: 'bg-red-500' },
  interrupted: {
    label: 'Interrupted',
    className: 'bg-amber-50 text-amber-800 ring-amber-200',
    dot: 'bg-amber-500',
  },
  skipped: {
    label: 'Ruled out',
    className: 'bg-slate-50 text-slate-500 ring-slate-200',
    dot: 'bg-slate-300',
  },
}

export const StatusDot = memo(function StatusDot({ status }: { status: AnyRunStatus }) {
  return <span className={`inline-block h-2 w-2 shrink-0 rounded-full ${CHIP[status].dot}`} aria-hidden />
})

export const RunStatusChip = memo(function RunStatusChip({
  status,
  testId,
}: {
  status: AnyRunStatus
  testId?: string
}) {
  const c = CHIP[status]
  return (
    <span
      data-testid={testId}
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-px text-[11.5px] font-medium ring-1 ${c.className}`}
    >
      <StatusDot status={status} />
      {c.label}
    </span>
  )
})

/** A small uppercase tag: "dry", "live", "draft". */
export function Tag({
  children,
  tone = 'slate',
}: {
  children: React.ReactNode
  tone?: 'slate' | 'amber' | 'red'
}) {
  const color =
    tone === 'red'
      ? 'bg-red-100 text-red-700'
      : tone === 'amber'
        ? 'bg-amber-100 text-amber-800'
        : 'bg-slate-100 text-slate-600'
  return (
    <span className={`rounded px-1 py-px text-[10px] font-semibold tracking-wide uppercase ${color}`}>
      {children}
    </span>
  )
}
