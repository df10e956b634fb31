import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type RouterOutputs, useTRPC } from './trpc'

export type Source = RouterOutputs['sources']['list'][number]
export type SourceMessage = RouterOutputs['sources']['messages'][number]

/** Segment-compatible sources with their write keys and subscribed workflows (editors and admins). */
export function useSources(enabled = true) {
  const trpc = useTRPC()
  return useQuery({ ...trpc.sources.list.queryOptions(), enabled })
}

/** A source's last 50 messages; refreshed every few seconds while shown. */
export function useSourceMessages(sourceId: string) {
  const trpc = useTRPC()
  return useQuery({ ...trpc.sources.messages.queryOptions({ sourceId }), refetchInterval: 3_000 })
}

export function useSourceMutations() {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.sources.pathKey() })
  return {
    create: useMutation(trpc.sources.create.mutationOptions({ onSuccess: invalidate })),
    subscribe: useMutation(trpc.sources.subscribe.mutationOptions({ onSuccess: invalidate })),
    unsubscribe: useMutation(trpc.sources.unsubscribe.mutationOptions({ onSuccess: invalidate })),
    rotateKey: useMutation(trpc.sources.rotateKey.mutationOptions({ onSuccess: invalidate })),
  }
}
