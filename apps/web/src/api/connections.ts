import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type RouterInputs, type RouterOutputs, useTRPC } from './trpc'

export type Connection = RouterOutputs['connections']['list'][number]
export type ConnectionType = Connection['type']
export type ConnectionCreateInput = RouterInputs['connections']['create']
export type ConnectionTestResult = RouterOutputs['connections']['test']

/**
 * Connections, optionally of one type. Viewers get id, name and type only; editors and
 * admins also the non-secret settings and where each connection is used. Never the secret.
 */
export function useConnections(type?: ConnectionType) {
  const trpc = useTRPC()
  return useQuery(trpc.connections.list.queryOptions(type ? { type } : {}))
}

/** Create, update (rename, settings, rotate secret), test and delete; each refreshes the lists. */
export function useConnectionMutations() {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.connections.pathKey() })
  return {
    create: useMutation(trpc.connections.create.mutationOptions({ onSuccess: invalidate })),
    update: useMutation(trpc.connections.update.mutationOptions({ onSuccess: invalidate })),
    test: useMutation(trpc.connections.test.mutationOptions()),
    remove: useMutation(trpc.connections.delete.mutationOptions({ onSuccess: invalidate })),
  }
}
