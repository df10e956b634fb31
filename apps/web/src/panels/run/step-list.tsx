import { Fragment, memo, useMemo } from 'react'
import { resumeText } from '../../lib/run-status'
import { useEditor, useEditorStoreApi } from '../../store/context'
import { formatDuration, type TraceResume, type TraceStep } from '../../store/trace'
import { RunStatusChip, StatusDot, Tag } from './run-status'
import { WaitChoice } from './wait-choice'
import { useWaitsForOutside, WaitingNote } from './waiting-for'

/** Long loops can make thousands of steps; the list shows the first ones and says so. */
const MAX_ROWS = 500

/** The run in order: one row per visit (and per ruled-out node), with when it started and how long it took. */
export const StepList = memo(function StepList() {
  const steps = useEditor((s) => s.trace.steps)
  const resumes = useEditor((s) => s.trace.resumes)
  const startedAt = useEditor((s) => s.trace.startedAt)
  const graph = useEditor((s) => s.graph)
  const selected = useEditor((s) => (s.selection.nodes.length === 1 ? s.selection.nodes[0] : null))
  const store = useEditorStoreApi()
  const labels = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n.label])), [graph])
  const t0 = startedAt ? Date.parse(startedAt) : 0
  const span = useMemo(() => {
    let end = 0
    for (const st of steps) end = Math.max(end, Date.parse(st.at) - t0 + (st.durationMs ?? 0))
    return Math.max(end, 1)
  }, [steps, t0])

  if (steps.length === 0)
    return <p className="px-1 py-6 text-center text-[12.5px] text-slate-400">Waiting for the first step…</p>
  return (
    <ol className="space-y-px" data-testid="step-list" aria-label="Steps">
      {steps.slice(0, MAX_ROWS).map((step, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: steps only ever append; the index is the step number
        <Fragment key={i}>
          {resumes.map((r) =>
            r.beforeStep === i ? <ResumedMarker key={`${r.at}:${r.reason}`} resume={r} /> : null,
          )}
          <StepRow
            index={i}
            step={step}
            label={labels.get(step.nodeId) ?? step.nodeId}
            offset={Date.parse(step.at) - t0}
            span={span}
            selected={selected === step.nodeId}
            onOpen={() => store.getState().select({ nodes: [step.nodeId], edges: [] })}
          />
        </Fragment>
      ))}
      {resumes.map((r) =>
        r.beforeStep >= steps.length ? <ResumedMarker key={`${r.at}:${r.reason}`} resume={r} /> : null,
      )}
      {steps.length > MAX_ROWS && (
        <li className="px-2 py-1.5 text-[12px] text-slate-400">
          … and {steps.length - MAX_ROWS} more steps (select a node on the canvas to see its last visit)
        </li>
      )}
    </ol>
  )
})

/** Where the run continued after a pause: its wait, what it waited for, or a server restart. */
const ResumedMarker = memo(function ResumedMarker({ resume }: { resume: TraceResume }) {
  const restart = resume.reason === 'restart'
  // A person's decision comes with their reason: the approval step's output keeps it.
  const comment = useEditor((s) => {
    if (resume.reason !== 'approval' || !resume.nodeId) return undefined
    const c = (s.trace.nodes[resume.nodeId]?.output as { comment?: unknown } | undefined)?.comment
    return typeof c === 'string' && c !== '' ? c : undefined
  })
  return (
    <li
      data-testid="step-resumed"
      data-reason={resume.reason}
      data-branch={resume.branch}
      title={new Date(resume.at).toLocaleString()}
      className={`mx-1.5 my-1 flex items-center gap-1.5 rounded-md border border-dashed px-2 py-0.5 text-[11.5px] ${
        restart ? 'border-amber-300 bg-amber-50 text-amber-800' : 'border-violet-200 text-violet-700'
      }`}
    >
      <span aria-hidden>↻</span>
      {restart ? (
        <span>
          <strong className="font-semibold">Resumed after restart</strong> —{' '}
          {resume.startedOver
            ? 'nothing was checkpointed yet, so the run started over'
            : 'the run went on from its last checkpoint'}
        </span>
      ) : (
        <span className="line-clamp-2 min-w-0 break-words" title={comment}>
          {resumeText(resume)}
          {comment && <span className="text-slate-500"> — “{comment}”</span>}
        </span>
      )}
    </li>
  )
})

/** What the right column says for steps without a duration to show. */
const STEP_NOTE: Partial<Record<TraceStep['status'], string>> = {
  skipped: 'ruled out',
  waiting: 'waiting',
  cancelled: 'cancelled',
  'cut-off': 'cut off by restart',
}
const BAR: Partial<Record<TraceStep['status'], string>> = {
  failed: 'bg-red-400',
  running: 'bg-sky-400',
  waiting: 'bg-violet-400',
  cancelled: 'bg-orange-400',
  'cut-off': 'bg-amber-400',
}

const StepRow = memo(function StepRow(props: {
  index: number
  step: TraceStep
  label: string
  offset: number
  span: number
  selected: boolean
  onOpen: () => void
}) {
  const { step, offset, span } = props
  const skipped = step.status === 'skipped'
  const left = Math.min(100, (Math.max(0, offset) / span) * 100)
  const width = Math.max(2, ((step.durationMs ?? 0) / span) * 100)
  return (
    <li>
      <button
        type="button"
        onClick={props.onOpen}
        data-testid={`step-row-${step.nodeId}`}
        data-status={step.status}
        className={`grid w-full grid-cols-[20px_10px_1fr_auto] items-center gap-x-2 rounded-md px-1.5 py-1 text-left text-[12.5px] ${
          props.selected ? 'bg-indigo-50 ring-1 ring-indigo-200' : 'hover:bg-slate-50'
        } ${skipped ? 'text-slate-400' : 'text-slate-700'}`}
      >
        <span className="text-right text-[11px] text-slate-400 tabular-nums">{props.index + 1}</span>
        <StatusDot status={step.status} />
        <span className="min-w-0">
          <span className="block truncate" title={props.label}>
            {props.label}
            {step.attempt && step.attempt > 1 ? (
              <span className="ml-1 text-[11px] text-amber-700">attempt {step.attempt}</span>
            ) : null}
          </span>
          {!skipped && (
            // A timeline: where in the run this step sat and how long it took.
            <span className="mt-0.5 block h-1 rounded-full bg-slate-100" aria-hidden>
              <span
                className={`block h-1 rounded-full ${BAR[step.status] ?? 'bg-emerald-400'}`}
                style={{
                  marginLeft: `${Math.min(left, 98)}%`,
                  width: `${Math.min(width, 100 - Math.min(left, 98))}%`,
                }}
              />
            </span>
          )}
        </span>
        <span className="text-right font-mono text-[11px] whitespace-nowrap text-slate-500 tabular-nums">
          {skipped ? (
            STEP_NOTE.skipped
          ) : (
            <>
              <span className="text-slate-400">{props.step.nodeId} · </span>
              {STEP_NOTE[step.status] ?? (step.status === 'running' ? '…' : formatDuration(step.durationMs))}
            </>
          )}
        </span>
      </button>
    </li>
  )
})

/** Status, timing and mode of the run on the canvas, with its error when it failed. */
export const RunSummary = memo(function RunSummary() {
  const status = useEditor((s) => s.trace.status)
  const waitingUntil = useEditor((s) => s.trace.waitingUntil)
  const outside = useWaitsForOutside()
  const durationMs = useEditor((s) => s.trace.durationMs)
  const dryRun = useEditor((s) => s.trace.dryRun)
  const error = useEditor((s) => s.trace.error)
  const count = useEditor((s) => s.trace.steps.filter((st) => st.status !== 'skipped').length)
  const ruledOut = useEditor((s) => s.trace.steps.length) - count
  if (status === 'idle') return null
  return (
    <div className="mb-2">
      <div className="flex flex-wrap items-center gap-2 text-[12px] text-slate-500">
        {/* A wait for an event or a decision is said in full below. */}
        <RunStatusChip status={status} waitingUntil={outside ? null : waitingUntil} testId="run-status" />
        {dryRun ? <Tag>dry</Tag> : <Tag tone="red">live</Tag>}
        <span>
          {count} ran{ruledOut > 0 ? ` · ${ruledOut} ruled out` : ''}
          {durationMs !== undefined && ` · ${formatDuration(durationMs)}`}
        </span>
      </div>
      <WaitingNote testId="run-waiting-for" className="mt-1.5" />
      <WaitChoice />
      {status === 'cancelled' && (
        <p
          className="mt-2 rounded-md border border-orange-200 bg-orange-50 px-2.5 py-1.5 text-[12px] leading-snug text-orange-900"
          data-testid="run-cancelled-note"
        >
          {error ? `${error[0].toUpperCase()}${error.slice(1)}` : 'Cancelled'}: no further step ran.
        </p>
      )}
      {status === 'failed' && error && (
        <p
          className="mt-2 rounded-md border border-red-200 bg-red-50 px-2.5 py-1.5 text-[12px] leading-snug text-red-700"
          data-testid="run-error"
        >
          {error}
        </p>
      )}
    </div>
  )
})
