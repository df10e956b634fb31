import { memo } from 'react'
import { type RunStatus, type WaitKind, waitingUntilLabel } from '../../lib/run-status'
import type { StepStatus } from '../../store/trace'

/** A stored run's status, the canvas trace's, or one step's. */
export type AnyRunStatus = 'idle' | RunStatus | StepStatus

const CHIP: Record<AnyRunStatus, { label: string; className: string; dot: string }> = {
  idle: { label: 'Not run', className: 'bg-slate-100 text-slate-600 ring-slate-200', dot: 'bg-slate-400' },
  queued: {
    label: 'Queued',
    className: 'bg-white text-slate-700 ring-slate-300',
    dot: 'border border-slate-500 bg-transparent',
  },
  running: {
    label: 'Running',
    className: 'bg-sky-50 text-sky-700 ring-sky-200',
    dot: 'bg-sky-500 animate-pulse',
  },
  waiting: {
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
  cancelled: {
    label: 'Cancelled',
    className: 'bg-orange-50 text-orange-800 ring-orange-200',
    dot: 'bg-orange-500',
  },
  skipped: {
    label: 'Ruled out',
    className: 'bg-slate-50 text-slate-500 ring-slate-200',
    dot: 'bg-slate-300',
  },
  'cut-off': {
    label: 'Cut off',
    className: 'bg-amber-50 text-amber-800 ring-amber-200',
    dot: 'bg-amber-500',
  },
}

/** Statuses a newer server may add still show, as themselves, instead of breaking the page. */
const chipOf = (status: string) =>
  CHIP[status as AnyRunStatus] ?? { label: status, className: CHIP.idle.className, dot: CHIP.idle.dot }

export const StatusDot = memo(function StatusDot({ status }: { status: AnyRunStatus }) {
  return <span className={`inline-block h-2 w-2 shrink-0 rounded-full ${chipOf(status).dot}`} aria-hidden />
})

/** A run's or step's status; a waiting run also says for what (an event, an approval) and until when. */
export const RunStatusChip = memo(function RunStatusChip({
  status,
  waitingUntil,
  waitingKind,
  testId,
}: {
  status: AnyRunStatus
  waitingUntil?: string | null
  /** What a waiting run waits for; a plain time wait (or unknown) says only until when. */
  waitingKind?: WaitKind | (string & {}) | null
  testId?: string
}) {
  const c = chipOf(status)
  const waiting = status === 'waiting'
  const until = waiting ? waitingUntilLabel(waitingUntil) : ''
  const what = waiting && (waitingKind === 'event' || waitingKind === 'approval') ? waitingKind : null
  return (
    <span
      data-testid={testId}
      data-status={status}
      data-waiting-kind={what ?? undefined}
      title={
        until
          ? `Waiting${what ? ` for ${what === 'event' ? 'an event' : 'approval'}` : ''} ${until} (${waitingUntil})`
          : undefined
      }
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-px text-[11.5px] font-medium whitespace-nowrap ring-1 ${c.className}`}
    >
      <StatusDot status={status} />
      {c.label}
      {what && <span>· {what}</span>}
      {until && <span className="font-normal">{until}</span>}
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
