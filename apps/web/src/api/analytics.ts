import { keepPreviousData, useQuery } from '@tanstack/react-query'
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
