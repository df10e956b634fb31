import { useQuery } from '@tanstack/react-query'
import { ReactFlowProvider } from '@xyflow/react'
import { useEffect, useState } from 'react'
import { followRun, type RunDetail, showStoredRun } from '../api/runs'
import { errorMessage, useTRPC, useTRPCClient } from '../api/trpc'
import { Canvas } from '../canvas/canvas'
import { relativeTime } from '../lib/download'
import type { Workflow } from '../lib/engine'
import { navigate, workflowPath } from '../lib/router'
import { JsonTree } from '../panels/run/json-tree'
import { RunStatusChip } from '../panels/run/run-status'
import { StepDetails } from '../panels/run/step-details'
import { RunSummary, StepList } from '../panels/run/step-list'
import { EditorStoreProvider, useEditor, useEditorStoreApi } from '../store/context'
import { createEditorStore, type EditorStore } from '../store/editor-store'
import { formatDuration } from '../store/trace'
import { Button } from '../ui/button'
import { prepareGraph } from './editor-page'

type Run = RunDetail['run']

/**
 * One run, read-only, on the canvas of the exact model that ran (its saved version, or the
 * draft it was started from): the trace replayed from the stored events, followed live
 * while the run is still going, with the step list and each step's details beside it.
 */
export function RunPage({ runId }: { runId: string }) {
  const trpc = useTRPC()
  const client = useTRPCClient()
  const detail = useQuery(trpc.runs.get.queryOptions({ runId }, { staleTime: Number.POSITIVE_INFINITY }))
  const run = detail.data?.run
  const version = useQuery(
    trpc.versions.get.queryOptions(
      { workflowId: run?.workflowId ?? '', version: run?.version ?? 1 },
      { enabled: !!run && !run.model && !!run.version, staleTime: Number.POSITIVE_INFINITY },
    ),
  )
  const model = (run?.model ?? version.data?.model) as Workflow | undefined
  const [store, setStore] = useState<EditorStore | null>(null)
  const [prepError, setPrepError] = useState<string | null>(null)

  useEffect(() => {
    if (!model || !detail.data || store) return
    const data = detail.data
    let cancelled = false
    prepareGraph(model).then(
      (graph) => {
        if (cancelled) return
        const s = createEditorStore({
          workflowId: data.run.workflowId,
          graph,
          version: data.run.version ?? 0,
          readOnly: true,
        })
        showStoredRun(s, data)
        setStore(s)
      },
      (err) => !cancelled && setPrepError(errorMessage(err)),
    )
    return () => {
      cancelled = true
    }
  }, [model, detail.data, store])

  // A run still going: follow it from the last stored event on.
  const stillRunning = run?.status === 'running'
  const storedCount = detail.data?.events.length ?? 0
  useEffect(() => {
    if (!store || !stillRunning) return
    return followRun(client, store, runId, { afterSeq: storedCount })
  }, [store, stillRunning, client, runId, storedCount])

  const error = detail.error
    ? errorMessage(detail.error)
    : version.error
      ? errorMessage(version.error)
      : prepError
  if (error)
    return (
      <div className="flex h-full flex-col items-center justify-center gap-3 text-[13px]">
        <p className="text-red-600">{error}</p>
        <Button onClick={() => navigate('/workflows')}>Back to workflows</Button>
      </div>
    )
  if (!store || !run)
    return (
      <div
        className="flex h-full items-center justify-center text-[13px] text-slate-400"
        data-testid="run-loading"
      >
        <span className="animate-pulse">Loading the run…</span>
      </div>
    )
  return (
    <EditorStoreProvider value={store}>
      <ReactFlowProvider>
        <div className="flex h-full flex-col" data-testid="run-page">
          <RunHeader run={run} />
          <div className="flex min-h-0 flex-1">
            <div className="relative min-w-0 flex-1 bg-slate-50" data-testid="canvas">
              <Canvas readOnly />
            </div>
            <div className="flex w-[400px] shrink-0 flex-col border-l border-slate-200 bg-white">
              <ReplaySide run={run} />
            </div>
          </div>
        </div>
      </ReactFlowProvider>
    </EditorStoreProvider>
  )
}

function RunHeader({ run }: { run: Run }) {
  const title = useEditor((s) => s.graph.title)
  return (
    <div className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-200 bg-white px-3 text-[13px]">
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
        <span className="font-mono text-[12px] font-normal text-slate-400">{run.id.slice(0, 8)}</span>
      </h1>
      <RunStatusChip status={run.status} />
      <span className="text-slate-500">{run.version ? `version ${run.version}` : 'unsaved draft'}</span>
      <ModeNote run={run} />
      <span className="ml-auto text-[12px] text-slate-500">
        {run.trigger === 'webhook' ? 'Segment webhook' : `started by ${run.actor ?? '—'}`} ·{' '}
        <span title={run.startedAt}>{relativeTime(run.startedAt)}</span>
        {run.durationMs !== null && ` · ${formatDuration(run.durationMs)}`}
      </span>
    </div>
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

function ReplaySide({ run }: { run: Run }) {
  const store = useEditorStoreApi()
  const [tab, setTab] = useState<'steps' | 'event'>('steps')
  const selected = useEditor((s) => (s.selection.nodes.length === 1 ? s.selection.nodes[0] : null))
  const selectedRan = useEditor((s) => selected !== null && s.trace.nodes[selected] !== undefined)
  useEffect(() => {
    if (selected && selectedRan) setTab('steps')
  }, [selected, selectedRan])
  return (
    <>
      <div role="tablist" className="flex shrink-0 gap-1 border-b border-slate-100 px-3 py-1.5">
        {(['steps', 'event'] as const).map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            onClick={() => setTab(id)}
            className={`rounded-md px-2 py-1 text-[12px] font-medium ${tab === id ? 'bg-slate-100 text-slate-900' : 'text-slate-500 hover:text-slate-800'}`}
          >
            {id === 'steps' ? 'Steps' : 'Event and mocks'}
          </button>
        ))}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-4 py-3">
        {tab === 'event' ? (
          <>
            <h4 className="mb-1 text-[11px] font-semibold tracking-wide text-slate-500 uppercase">Event</h4>
            <JsonTree value={run.event} openDepth={1} />
            {run.mocks && (
              <>
                <h4 className="mt-3 mb-1 text-[11px] font-semibold tracking-wide text-slate-500 uppercase">
                  Mocks
                </h4>
                <JsonTree value={run.mocks} openDepth={1} />
              </>
            )}
          </>
        ) : selected && selectedRan ? (
          <StepDetails
            key={selected}
            nodeId={selected}
            onBack={() => store.getState().select({ nodes: [], edges: [] })}
          />
        ) : (
          <>
            <RunSummary />
            <StepList />
          </>
        )}
      </div>
    </>
  )
}
