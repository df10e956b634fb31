import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { TraceEvent } from '../lib/engine'
import { isActiveRun } from '../lib/run-status'
import type { EditorStoreApi } from '../store/editor-store'
import { errorMessage, type RouterOutputs, type TRPCClient, useTRPC } from './trpc'

export type RunSummary = RouterOutputs['runs']['list'][number]
export type RunDetail = RouterOutputs['runs']['get']
export type TestOutcome = RouterOutputs['runs']['runTests']['results'][number]

/** The workflow's runs, newest first: test and production alike. */
export function useRunHistory(workflowId: string) {
  const trpc = useTRPC()
  return useQuery(trpc.runs.list.queryOptions({ workflowId, limit: 50 }, { staleTime: 5_000 }))
}

export function useRunMutations() {
  const trpc = useTRPC()
  return {
    start: useMutation(trpc.runs.start.mutationOptions()),
    runTests: useMutation(trpc.runs.runTests.mutationOptions()),
  }
}

/**
 * Cancel (queued, running or waiting runs), retry (failed or cancelled ones: a new run
 * with the same event, version, mocks and mode) and choose (the branch a test run waiting
 * for an event or a decision takes). Each changes run lists and the run itself.
 */
export function useRunControlMutations() {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.runs.pathKey() })
  return {
    cancel: useMutation(trpc.runs.cancel.mutationOptions({ onSuccess: invalidate })),
    retry: useMutation(trpc.runs.retry.mutationOptions({ onSuccess: invalidate })),
    choose: useMutation(
      trpc.runs.choose.mutationOptions({
        onSuccess: () => {
          void invalidate()
          // A test approval is also someone's inbox task: it is gone now.
          void qc.invalidateQueries({ queryKey: trpc.inbox.list.queryKey() })
        },
      }),
    ),
  }
}

/**
 * Streams a run's trace into an editor store as the server emits it. The store ignores
 * events of other runs, so a late event of an earlier run cannot paint over this one.
 * `afterSeq` resumes after events already applied (a replay that is still running); the
 * subscription link also resumes by itself after a dropped connection.
 */
export function followRun(
  client: TRPCClient,
  store: EditorStoreApi,
  runId: string,
  handlers: {
    onEnd?: () => void
    onError?: (message: string) => void
    afterSeq?: number
    /** The run is being started with this id: the server waits for it instead of NOT_FOUND. */
    awaitStart?: boolean
  } = {},
): () => void {
  const sub = client.runs.onTrace.subscribe(
    {
      runId,
      lastEventId: handlers.afterSeq ? String(handlers.afterSeq) : undefined,
      awaitStart: handlers.awaitStart || undefined,
    },
    {
      onData: ({ data }) => store.getState().applyTrace([data as TraceEvent]),
      onError: (err) => handlers.onError?.(errorMessage(err)),
      onComplete: () => handlers.onEnd?.(),
    },
  )
  return () => sub.unsubscribe()
}

/**
 * A run as people tell runs apart: the last 8 characters of its id. Server run ids are
 * time-ordered (their first characters are the same for every run within a minute), so
 * the random end is the part that differs.
 */
export const shortRunId = (id: string): string => id.slice(-8)

/**
 * A run id picked here, so the trace stream opens while runs.start is still in flight and
 * no event waits for a second round trip. (`randomUUID` needs a secure context; plain-HTTP
 * LAN installs get the same v4 format from getRandomValues.)
 */
export function newRunId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** Puts a stored run on the canvas: its events folded in one batch. */
export function showStoredRun(store: EditorStoreApi, detail: RunDetail) {
  const s = store.getState()
  s.startTrace(detail.run.id)
  s.applyTrace(detail.events as TraceEvent[])
  settleTrace(store, detail.run)
}

/**
 * The run record is the authority on how a run ended. A run cancelled while nobody
 * streamed it (or whose stream closed first) may end without a `run.finished` reaching
 * this trace; the canvas then takes the record's word rather than showing it still going.
 */
export function settleTrace(
  store: EditorStoreApi,
  run: Pick<RunDetail['run'], 'id' | 'status' | 'finishedAt' | 'durationMs' | 'error'>,
) {
  const s = store.getState()
  if (s.trace.runId !== run.id || isActiveRun(run.status) || !isActiveRun(s.trace.status)) return
  if (run.status !== 'succeeded' && run.status !== 'failed' && run.status !== 'cancelled') return
  s.applyTrace([
    {
      type: 'run.finished',
      runId: run.id,
      at: run.finishedAt ?? new Date().toISOString(),
      status: run.status,
      durationMs: run.durationMs ?? 0,
      ...(run.error ? { error: run.error } : {}),
    },
  ])
}
