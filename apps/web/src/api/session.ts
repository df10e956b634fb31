import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useTRPC } from './trpc'

/** Who is signed in (null when nobody) and whether the first admin still has to be created. */
export function useSession() {
  const trpc = useTRPC()
  const info = useQuery(trpc.system.info.queryOptions())
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }))
  return { info, me }
}

/** Sign-in, first-admin setup and sign-out; each refreshes everything that depends on the user. */
export function useAuthMutations() {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: trpc.system.info.queryKey() })
    await qc.invalidateQueries({ queryKey: trpc.auth.me.queryKey() })
  }
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess: refresh }))
  const setup = useMutation(trpc.auth.setupFirstAdmin.mutationOptions({ onSuccess: refresh }))
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      // Forget everything the signed-in user loaded; active queries (auth.me) reload as signed out.
      onSuccess: () => qc.resetQueries(),
    }),
  )
  return { login, setup, logout }
}

/** Editors and admins may start, cancel and retry runs; viewers only look (the server checks too). */
export function useCanControlRuns(): boolean {
  const trpc = useTRPC()
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }))
  return !!me.data && me.data.role !== 'viewer'
}

/**
 * Whether the signed-in user may decide an approval assigned to these roles and addresses:
 * the server's rule (viewers never), mirrored so the UI offers only what will be accepted.
 */
export function useMayDecide(assignees: readonly string[] | undefined): boolean {
  const trpc = useTRPC()
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }))
  const user = me.data
  if (!user || user.role === 'viewer' || !assignees) return false
  return assignees.includes(user.email.toLowerCase()) || assignees.includes(user.role)
}
