import { useQuery, useQueryClient } from '@tanstack/react-query'
import { ReactFlowProvider } from '@xyflow/react'
import { useEffect, useRef, useState } from 'react'
import { followRun, type RunDetail, settleTrace, showStoredRun } from '../api/runs'
import { errorMessage, useTRPC, useTRPCClient } from '../api/trpc'
import { Canvas } from '../canvas/canvas'
import type { Workflow } from '../lib/engine'
import { navigate } from '../lib/router'
import { isActiveRun } from '../lib/run-status'
import { JsonTree } from '../panels/run/json-tree'
import { StepDetails } from '../panels/run/step-details'
import { RunSummary, StepList } from '../panels/run/step-list'
import { EditorStoreProvider, useEditor, useEditorStoreApi } from '../store/context'
import { createEditorStore, type EditorStore } from '../store/editor-store'
import { Button } from '../ui/button'
import { prepareGraph } from './editor-page'
import { RunHeader } from './run-header'

type Run = RunDetail['run']

/**
 * One run, read-only, on the canvas of the exact model that ran (its saved version, or the
 * draft it was started from): the trace replayed from the stored events, followed live
 * while the run is still going, with the step list and each step's details beside it.
 */
export function RunPage({ runId }: { runId: string }) {
  const trpc = useTRPC()
  const client = useTRPCClient()
  const qc = useQueryClient()
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
  /** How many stored events the canvas was built from. */
  const builtFrom = useRef(0)

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
        builtFrom.current = data.events.length
        setStore(s)
      },
      (err) => !cancelled && setPrepError(errorMessage(err)),
    )
    return () => {
      cancelled = true
    }
  }, [model, detail.data, store])

  // A run still going: follow it from the events the canvas was built from. The record is
  // refetched (status, waits, cancel) but the canvas keeps folding the stream, never both.
  const active = !!run && isActiveRun(run.status)
  useEffect(() => {
    if (!store || !active) return
    return followRun(client, store, runId, {
      afterSeq: builtFrom.current,
      // The stream may close before the record settles (a wait of hours): refresh the header.
      onEnd: () => void qc.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId }) }),
    })
  }, [store, active, client, runId, qc, trpc])

  // When the stream moves the run on (waits, resumes, finishes), refresh its record for the header.
  useEffect(() => {
    if (!store) return
    let last = store.getState().trace.status
    return store.subscribe((s) => {
      if (s.trace.status === last) return
      last = s.trace.status
      void qc.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId }) })
    })
  }, [store, qc, trpc, runId])
  useEffect(() => {
    if (store && run) settleTrace(store, run)
  }, [store, run])

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
