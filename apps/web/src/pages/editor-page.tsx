import { useQuery } from '@tanstack/react-query'
import { ReactFlowProvider } from '@xyflow/react'
import { useEffect, useState } from 'react'
import { type CurrentUser, errorMessage, modelOf, useTRPC } from '../api/trpc'
import { autoLayout, needsLayout } from '../canvas/layout'
import type { Workflow } from '../lib/engine'
import { navigate } from '../lib/router'
import { EditorStoreProvider } from '../store/context'
import { createEditorStore, type EditorStore } from '../store/editor-store'
import type { Issue } from '../store/types'
import { Button } from '../ui/button'
import { AnalyticsProvider } from './analytics/analytics-state'
import { EditorWorkspace } from './editor-workspace'

/** Graphs from the server without positions (seed files, hand-written notation) are laid out once on open. */
export async function prepareGraph(model: Workflow): Promise<Workflow> {
  return needsLayout(model) ? autoLayout(model) : model
}

export function EditorPage({ id, user }: { id: string; user: CurrentUser }) {
  const trpc = useTRPC()
  const query = useQuery(trpc.workflows.get.queryOptions({ id }, { staleTime: Number.POSITIVE_INFINITY }))
  const [store, setStore] = useState<EditorStore | null>(null)
  const [prepError, setPrepError] = useState<string | null>(null)
  const data = query.data

  useEffect(() => {
    if (!data || store) return
    let cancelled = false
    prepareGraph(modelOf(data)).then(
      (graph) => {
        if (cancelled) return
        const s = createEditorStore({
          workflowId: data.id,
          graph,
          version: data.latestVersion,
          publishedVersion: data.publishedVersion,
          readOnly: user.role === 'viewer' || data.archived,
        })
        s.getState().setServerIssues((data.version.issues as Issue[]) ?? null)
        setStore(s)
      },
      (err) => !cancelled && setPrepError(errorMessage(err)),
    )
    return () => {
      cancelled = true
    }
  }, [data, store, user.role])

  const error = query.error ? errorMessage(query.error) : prepError
  if (error) {
    return (
      <div className="flex h-full flex-col items-center justify-center gap-3 text-[13px]">
        <p className="text-red-600">{error}</p>
        <Button onClick={() => navigate('/workflows')}>Back to workflows</Button>
      </div>
    )
  }
  if (!store || !data) {
    return (
      <div
        className="flex h-full items-center justify-center text-[13px] text-slate-400"
        data-testid="editor-loading"
      >
        <span className="animate-pulse">Opening workflow…</span>
      </div>
    )
  }
  return (
    <EditorStoreProvider value={store}>
      <ReactFlowProvider>
        <AnalyticsProvider workflowId={data.id}>
          <EditorWorkspace
            store={store}
            user={user}
            archived={data.archived}
            everPublished={data.everPublished}
          />
        </AnalyticsProvider>
      </ReactFlowProvider>
    </EditorStoreProvider>
  )
}
