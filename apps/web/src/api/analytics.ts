import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type RouterInputs, type RouterOutputs, useTRPC } from './trpc'

/** Step and branch counts of a workflow over a window (server: routers/analytics.ts, from the rollup). */
export type WorkflowAnalytics = RouterOutputs['analytics']['workflow']
export type AnalyticsInput = RouterInputs['analytics']['workflow']

/**
 * Polled while shown: the rollup moves as runs finish. The previous numbers stay up while
 * a new window loads, so the canvas does not flicker empty.
 */
export function useWorkflowAnalytics(input: AnalyticsInput, enabled: boolean) {
  const trpc = useTRPC()
  return useQuery({
    ...trpc.analytics.workflow.queryOptions(input, { enabled }),
    refetchInterval: enabled ? 10_000 : false,
    placeholderData: keepPreviousData,
  })
}

/** A branch preview's progress and results (server: services/analytics/branch-preview.ts). */
export type PreviewStatus = RouterOutputs['analytics']['preview']['status']
export type PreviewStart = RouterInputs['analytics']['preview']['start']

/** Polled until the replay finished; null id: no preview. */
export function usePreviewStatus(previewId: string | null) {
  const trpc = useTRPC()
  return useQuery({
    ...trpc.analytics.preview.status.queryOptions({ previewId: previewId ?? '' }, { enabled: !!previewId }),
    refetchInterval: (q) => (q.state.data?.finished ? false : 500),
    // A preview the server forgot (kept 30 minutes, in memory) stays gone: no retries.
    retry: false,
  })
}

export function usePreviewMutations() {
  const trpc = useTRPC()
  const qc = useQueryClient()
  return {
    start: useMutation(trpc.analytics.preview.start.mutationOptions()),
    cancel: useMutation(
      trpc.analytics.preview.cancel.mutationOptions({
        onSuccess: () => qc.invalidateQueries({ queryKey: trpc.analytics.preview.status.pathKey() }),
      }),
    ),
  }
}
