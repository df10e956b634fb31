import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useTRPC } from './trpc'

/** Workflow mutations that refresh the list (and the workflow itself) when they succeed. */
export function useWorkflowMutations() {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.workflows.pathKey() })
  return {
    create: useMutation(trpc.workflows.create.mutationOptions({ onSuccess: invalidate })),
    save: useMutation(trpc.workflows.save.mutationOptions({ onSuccess: invalidate })),
    publish: useMutation(trpc.workflows.publish.mutationOptions({ onSuccess: invalidate })),
    archive: useMutation(trpc.workflows.archive.mutationOptions({ onSuccess: invalidate })),
    duplicate: useMutation(trpc.workflows.duplicate.mutationOptions({ onSuccess: invalidate })),
    rename: useMutation(trpc.workflows.rename.mutationOptions({ onSuccess: invalidate })),
    remove: useMutation(trpc.workflows.delete.mutationOptions({ onSuccess: invalidate })),
    unpublish: useMutation(trpc.workflows.unpublish.mutationOptions({ onSuccess: invalidate })),
    restore: useMutation(
      trpc.versions.restore.mutationOptions({
        onSuccess: async () => {
          await invalidate()
          await qc.invalidateQueries({ queryKey: trpc.versions.pathKey() })
        },
      }),
    ),
  }
}
