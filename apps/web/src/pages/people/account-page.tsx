import { useMutation } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { type CurrentUser, errorMessage, useTRPC } from '../../api/trpc'
import { Button } from '../../ui/button'
import { toast } from '../../ui/toast'
import { Field } from '../sign-in-page'
import { NewPasswordFields } from './password-fields'
import { ROLES } from './roles'

/** Your own account: who you are, what your role lets you do, and your password. */
export function AccountPage({ user }: { user: CurrentUser }) {
  const trpc = useTRPC()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState<string | null>(null)
  // Remounting the fields clears them after a change.
  const [formKey, setFormKey] = useState(0)
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        toast('Password changed. Your other sessions were signed out.', 'success')
        setCurrent('')
        setNext(null)
        setFormKey((k) => k + 1)
      },
    }),
  )
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (next) change.mutate({ currentPassword: current, newPassword: next })
  }
  const role = ROLES.find((r) => r.id === user.role)
  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-xl px-8 py-8">
        <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">Your account</h1>
        <p className="mt-0.5 mb-6 text-[13px] text-slate-500">
          {user.email} · <span className="font-medium text-slate-700">{role?.label}</span> — {role?.can}.
        </p>
        <section className="rounded-xl border border-slate-200 bg-white p-5 shadow-xs">
          <h2 className="mb-3 text-[14px] font-semibold text-slate-800">Change your password</h2>
          <form onSubmit={submit} aria-label="Change password" key={formKey} className="max-w-sm">
            <Field
              label="Current password"
              name="current-password"
              type="password"
              value={current}
              onChange={setCurrent}
              autoComplete="current-password"
            />
            <NewPasswordFields onChange={setNext} />
            {change.error && (
              <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700">
                {errorMessage(change.error)}
              </p>
            )}
            <Button
              type="submit"
              variant="primary"
              disabled={!current || !next || change.isPending}
              data-testid="change-password-submit"
            >
              {change.isPending ? 'Changing…' : 'Change password'}
            </Button>
          </form>
        </section>
      </div>
    </div>
  )
}
