import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type RouterOutputs, useTRPC } from './trpc'

export type Person = RouterOutputs['users']['list'][number]

/** Everyone with an account (admins only; the server refuses anyone else). */
export function usePeople() {
  const trpc = useTRPC()
  // Invitees finish in their own browser: coming back to the tab shows who has.
  return useQuery(trpc.users.list.queryOptions(undefined, { refetchOnWindowFocus: true }))
}

/** Invite, change role, deactivate/reactivate, new set-password link; each refreshes the list. */
export function usePeopleMutations() {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.users.pathKey() })
  return {
    invite: useMutation(trpc.users.invite.mutationOptions({ onSuccess: invalidate })),
    setRole: useMutation(trpc.users.setRole.mutationOptions({ onSuccess: invalidate })),
    setActive: useMutation(trpc.users.setActive.mutationOptions({ onSuccess: invalidate })),
    newLink: useMutation(trpc.users.newLink.mutationOptions({ onSuccess: invalidate })),
  }
}

/** The address of the public page a set-password link opens (the token never goes to the server in a URL path). */
export function setPasswordUrl(token: string): string {
  return `${location.origin}/#/set-password/${encodeURIComponent(token)}`
}
