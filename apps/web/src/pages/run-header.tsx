import { type RunDetail, shortRunId } from '../api/runs'
import { relativeTime } from '../lib/download'
import { navigate, runPath, workflowPath } from '../lib/router'
import { automaticTrigger } from '../lib/run-status'
import { RunControls } from '../panels/run/run-controls'
import { RunStatusChip } from '../panels/run/run-status'
import { useWaitsForOutside, WaitingNote } from '../panels/run/waiting-for'
import { useEditor } from '../store/context'
import { formatDuration } from '../store/trace'

type Run = RunDetail['run']

/** The run page's bar: which run, its status, what it ran, and Cancel / Retry for editors. */
export function RunHeader({ run }: { run: Run }) {
  const title = useEditor((s) => s.graph.title)
  // A wait for an event or a decision is said in full beside the status.
  const outside = useWaitsForOutside() && run.status === 'waiting'
  return (
    <div className="flex min-h-12 shrink-0 flex-wrap items-center gap-x-2 gap-y-1 border-b border-slate-200 bg-white px-3 py-1.5 text-[13px]">
      <button
        type="button"
        onClick={() => navigate(workflowPath(run.workflowId))}
        className="max-w-[280px] truncate rounded-md px-1.5 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
        title="Open the workflow in the editor"
      >
        ← {title || 'Workflow'}
      </button>
      <span className="text-slate-300">/</span>
      <h1 className="px-1 font-semibold text-slate-900">
        {run.kind === 'test' ? 'Test run' : 'Production run'}{' '}
        <span className="font-mono text-[12px] font-normal text-slate-400">{shortRunId(run.id)}</span>
      </h1>
      <RunStatusChip
        status={run.status}
        waitingUntil={outside ? null : run.waitingUntil}
        testId="run-page-status"
      />
      <WaitingNote testId="run-page-waiting-for" />
      {run.retryOf && <RetryOfLink runId={run.retryOf} />}
      <span className="text-slate-500">{run.version ? `version ${run.version}` : 'unsaved draft'}</span>
      <ModeNote run={run} />
      <span className="ml-auto text-[12px] text-slate-500">
        {automaticTrigger(run.trigger) ??
          `${run.trigger === 'retry' ? 'retried' : 'started'} by ${run.actor ?? '—'}`}{' '}
        · <span title={run.startedAt}>{relativeTime(run.startedAt)}</span>
        {run.durationMs !== null && ` · ${formatDuration(run.durationMs)}`}
      </span>
      <RunControls
        runId={run.id}
        status={run.status}
        live={!(run.kind === 'test' && run.dryRun)}
        size="sm"
        onRetried={(id) => navigate(runPath(id))}
      />
    </div>
  )
}

/** This run retries another: a link back to the first. */
function RetryOfLink({ runId }: { runId: string }) {
  return (
    <span className="text-[12px] text-slate-500" data-testid="run-retry-of">
      Retry of{' '}
      <a
        href={`#${runPath(runId)}`}
        className="font-mono text-indigo-700 hover:underline"
        title="Open the run this one retries"
      >
        {shortRunId(runId)}
      </a>
    </span>
  )
}

/** Whether this run sent anything, said plainly (the editor shows the same on its canvas). */
function ModeNote({ run }: { run: Run }) {
  const dry = run.kind === 'test' && run.dryRun
  return (
    <span
      data-testid={dry ? 'dry-run-banner' : 'live-run-banner'}
      className={`flex items-center gap-1.5 rounded-full border px-2.5 py-0.5 text-[12px] ${
        dry ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-red-300 bg-red-50 text-red-800'
      }`}
    >
      <span className={`h-1.5 w-1.5 rounded-full ${dry ? 'bg-amber-500' : 'bg-red-500'}`} />
      {dry ? (
        <span>
          <strong>Dry run</strong> — nothing was sent
        </span>
      ) : (
        <span>
          <strong>{run.kind === 'test' ? 'Live test run' : 'Production run'}</strong> — requests were sent
        </span>
      )}
    </span>
  )
}
