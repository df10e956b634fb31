import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useRef } from 'react'
import {
  followRun,
  newRunId,
  type RunDetail,
  settleTrace,
  showStoredRun,
  useRunMutations,
} from '../../api/runs'
import { errorMessage, useTRPC, useTRPCClient } from '../../api/trpc'
import { isActiveRun } from '../../lib/run-status'
import type { EditorStore } from '../../store/editor-store'
import { isDirty } from '../../store/editor-store'
import { parseSetup } from '../../store/run-setup'
import { toast } from '../../ui/toast'

export interface RunController {
  /** Starts a test run of what is on the canvas; false when the setup has errors. */
  start: (opts?: { live?: boolean }) => Promise<boolean>
  /** Shows a stored run on the canvas (following it if it is still running). */
  replay: (runId: string) => Promise<RunDetail | null>
  /** Opens the trace stream of the next run ahead of time (call while the run panel is shown). */
  prepare: () => void
  /** Takes the stored record's word on how the run on the canvas ended (after Cancel). */
  settle: (runId: string) => Promise<void>
  starting: boolean
}

interface Stream {
  runId: string
  stop: () => void
  /** Set when the run this stream waits for has been started: only then do its errors matter. */
  started: boolean
}

/**
 * Runs and replays for one editor store. The next run's id is picked in advance and its
 * trace stream opened (the server waits for the id), so when Run is clicked no round trip
 * stands between a step finishing on the server and the canvas showing it. At most one
 * stream paints the canvas; the store ignores events of any other run.
 */
export function useRunController(store: EditorStore): RunController {
  const client = useTRPCClient()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { start: startMutation } = useRunMutations()
  const active = useRef<Stream | null>(null)
  const armed = useRef<Stream | null>(null)
  const mounted = useRef(true)

  const refreshHistory = useCallback(
    () => void qc.invalidateQueries({ queryKey: trpc.runs.list.queryKey() }),
    [qc, trpc],
  )

  const open = useCallback(
    (runId: string, opts: { afterSeq?: number; awaitStart?: boolean }, onIdleEnd?: () => void): Stream => {
      const stream: Stream = { runId, stop: () => {}, started: !opts.awaitStart }
      stream.stop = followRun(client, store, runId, {
        ...opts,
        onEnd: () => (stream.started ? refreshHistory() : onIdleEnd?.()),
        onError: (m) => (stream.started ? toast(`Lost the live trace: ${m}`, 'error') : onIdleEnd?.()),
      })
      return stream
    },
    [client, store, refreshHistory],
  )

  const prepare = useCallback(() => {
    if (armed.current || !mounted.current) return
    const runId = newRunId()
    // The server gives up waiting after a while (or the connection drops): arm again.
    armed.current = open(runId, { awaitStart: true }, () => {
      if (armed.current?.runId !== runId) return
      armed.current = null
      setTimeout(prepare, 1_000)
    })
  }, [open])

  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
      active.current?.stop()
      armed.current?.stop()
      armed.current = null
    }
  }, [])

  const activate = useCallback((stream: Stream) => {
    active.current?.stop()
    active.current = stream
  }, [])

  const start = useCallback(
    async ({ live = false } = {}) => {
      const s = store.getState()
      const parsed = parseSetup(s.runSetup, s.graph)
      const first = Object.entries(parsed.errors)[0]
      if (first || !parsed.event) {
        toast(
          first
            ? `Fix the ${first[0] === 'event' ? 'event' : `mock of ${first[0]}`} first: ${first[1]}`
            : 'No event',
          'error',
        )
        return false
      }
      // Live runs send for real: only a saved version (the dialog saves first), never a draft.
      if (live && isDirty(s)) {
        toast('Save your changes first: live runs use a saved version', 'error')
        return false
      }
      // The armed stream if there is one, else a stream opened now, in parallel with the start.
      const stream = armed.current ?? open(newRunId(), { awaitStart: true })
      armed.current = null
      stream.started = true
      activate(stream)
      store.getState().startTrace(stream.runId)
      try {
        // An unsaved draft runs as it is on the canvas; a saved one by its version number.
        const target = isDirty(s) ? { model: s.graph } : { version: s.baseVersion }
        await startMutation.mutateAsync({
          workflowId: s.workflowId,
          ...target,
          event: parsed.event,
          mocks: parsed.mocks,
          live: live || undefined,
          runId: stream.runId,
        })
        refreshHistory()
        return true
      } catch (err) {
        stream.stop()
        store.getState().clearTrace()
        toast(`Could not start the run: ${errorMessage(err)}`, 'error')
        return false
      } finally {
        prepare()
      }
    },
    [store, startMutation, open, activate, refreshHistory, prepare],
  )

  const replay = useCallback(
    async (runId: string) => {
      active.current?.stop()
      active.current = null
      try {
        const detail = await qc.fetchQuery({ ...trpc.runs.get.queryOptions({ runId }), staleTime: 0 })
        showStoredRun(store, detail)
        if (isActiveRun(detail.run.status)) activate(open(runId, { afterSeq: detail.events.length }))
        return detail
      } catch (err) {
        toast(`Could not open the run: ${errorMessage(err)}`, 'error')
        return null
      }
    },
    [qc, trpc, store, open, activate],
  )

  const settle = useCallback(
    async (runId: string) => {
      try {
        const detail = await qc.fetchQuery({ ...trpc.runs.get.queryOptions({ runId }), staleTime: 0 })
        settleTrace(store, detail.run)
      } catch {
        // The live stream still brings run.finished; the record was only a shortcut.
      }
    },
    [qc, trpc, store],
  )

  const starting = startMutation.isPending
  return useMemo(
    () => ({ start, replay, prepare, settle, starting }),
    [start, replay, prepare, settle, starting],
  )
}
