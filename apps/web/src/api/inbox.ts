import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type RouterOutputs, useTRPC } from './trpc'

export type InboxTask = RouterOutputs['inbox']['list'][number]
export type Decision = 'approved' | 'rejected'

/**
 * The approvals waiting for the signed-in user (by address or role), oldest first. The
 * shell's badge and the Inbox page share this query: polled, and refreshed when the tab
 * comes back into focus, since tasks arrive from runs nobody here is watching.
 */
export function useInbox() {
  const trpc = useTRPC()
  return useQuery(
    trpc.inbox.list.queryOptions(undefined, {
      staleTime: 5_000,
      refetchInterval: 20_000,
      refetchOnWindowFocus: true,
    }),
  )
}

/**
 * Approve or reject. A decided task leaves the list at once (the run goes on without us);
 * whatever happened, the list and the runs are fetched again.
 */
export function useDecide() {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const listKey = trpc.inbox.list.queryKey()
  const drop = (runId: string) =>
    qc.setQueryData<InboxTask[]>(listKey, (tasks) => tasks?.filter((t) => t.runId !== runId))
  return useMutation(
    trpc.inbox.decide.mutationOptions({
      onSuccess: (_out, { runId }) => drop(runId),
      onSettled: () => {
        void qc.invalidateQueries({ queryKey: listKey })
        void qc.invalidateQueries({ queryKey: trpc.runs.pathKey() })
      },
    }),
  )
}
