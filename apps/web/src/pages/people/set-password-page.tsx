import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { errorMessage, useTRPC } from '../../api/trpc'
import { navigate } from '../../lib/router'
import { Button } from '../../ui/button'
import { AuthCard } from '../sign-in-page'
import { NewPasswordFields } from './password-fields'

/**
 * The public page a one-time set-password link opens (`#/set-password/:token`): an invitee
 * chooses their first password, or someone a new one. It signs them in; the link is spent.
 */
export function SetPasswordPage({ token }: { token: string }) {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const link = useQuery(trpc.auth.passwordLink.queryOptions({ token }, { retry: false, staleTime: Infinity }))
  const [password, setPassword] = useState<string | null>(null)
  const setPasswordMutation = useMutation(
    trpc.auth.setPassword.mutationOptions({
      onSuccess: async () => {
        // Signed in now as the link's owner (replacing whoever was signed in in this browser).
        await qc.invalidateQueries({ queryKey: trpc.auth.me.queryKey() })
        await qc.invalidateQueries({ queryKey: trpc.system.info.queryKey() })
        navigate('/workflows', { replace: true, force: true })
      },
    }),
  )
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (password) setPasswordMutation.mutate({ token, password })
  }

  if (link.isPending)
    return (
      <AuthCard title="Set your password" subtitle="Checking your link…">
        <p className="animate-pulse text-[13px] text-slate-400">One moment…</p>
      </AuthCard>
    )
  if (link.isError)
    return (
      <AuthCard title="This link does not work" subtitle="Set-password links work once, for a limited time.">
        <p
          role="alert"
          className="mb-4 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700"
          data-testid="link-error"
        >
          {errorMessage(link.error)}
        </p>
        <Button className="w-full" onClick={() => navigate('/workflows', { replace: true, force: true })}>
          Go to sign-in
        </Button>
      </AuthCard>
    )
  const invited = link.data.purpose === 'invite'
  return (
    <AuthCard
      title={invited ? 'Welcome to Flowline' : 'Choose a new password'}
      subtitle={
        invited
          ? 'You were invited. Choose a password to finish setting up your account.'
          : 'Choose a new password for your account.'
      }
    >
      <form onSubmit={submit} aria-label="Set password">
        <p className="mb-3.5 rounded-md bg-slate-50 px-3 py-2 text-[13px] text-slate-700">
          Account:{' '}
          <span className="font-medium" data-testid="link-email">
            {link.data.email}
          </span>
        </p>
        <NewPasswordFields onChange={setPassword} autoFocus />
        {setPasswordMutation.error && (
          <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700">
            {errorMessage(setPasswordMutation.error)}
          </p>
        )}
        <Button
          type="submit"
          variant="primary"
          className="mt-1 w-full"
          disabled={!password || setPasswordMutation.isPending}
          data-testid="set-password-submit"
        >
          {setPasswordMutation.isPending ? 'Please wait…' : 'Set password and sign in'}
        </Button>
      </form>
    </AuthCard>
  )
}
