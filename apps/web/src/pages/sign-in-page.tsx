import { type FormEvent, useState } from 'react'
import { useAuthMutations } from '../api/session'
import { errorMessage } from '../api/trpc'
import { Button } from '../ui/button'
import { Logo } from '../ui/shell'

export function AuthCard(props: { title: string; subtitle: string; children: React.ReactNode }) {
  return (
    <div className="flex h-full items-center justify-center bg-slate-50 p-6">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex justify-center">
          <Logo />
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-[17px] font-semibold text-slate-900">{props.title}</h1>
          <p className="mt-1 mb-5 text-[13px] text-slate-500">{props.subtitle}</p>
          {props.children}
        </div>
      </div>
    </div>
  )
}

export function Field(props: {
  label: string
  type?: string
  value: string
  onChange: (v: string) => void
  autoComplete?: string
  autoFocus?: boolean
  name?: string
}) {
  return (
    <label className="mb-3.5 block">
      <span className="mb-1 block text-[12.5px] font-medium text-slate-700">{props.label}</span>
      <input
        type={props.type ?? 'text'}
        name={props.name}
        value={props.value}
        autoComplete={props.autoComplete}
        // biome-ignore lint/a11y/noAutofocus: the sign-in form has one job
        autoFocus={props.autoFocus}
        onChange={(e) => props.onChange(e.target.value)}
        className="h-9 w-full rounded-md border border-slate-300 bg-white px-2.5 text-[13.5px] outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100"
      />
    </label>
  )
}

function Credentials(props: {
  submitLabel: string
  pending: boolean
  error: string | null
  onSubmit: (email: string, password: string) => void
  newPassword?: boolean
}) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    props.onSubmit(email.trim(), password)
  }
  return (
    <form onSubmit={submit} aria-label={props.submitLabel}>
      <Field
        label="Email"
        name="email"
        type="email"
        value={email}
        onChange={setEmail}
        autoComplete="username"
        autoFocus
      />
      <Field
        label="Password"
        name="password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete={props.newPassword ? 'new-password' : 'current-password'}
      />
      {props.error && (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700">
          {props.error}
        </p>
      )}
      <Button
        type="submit"
        variant="primary"
        className="mt-1 w-full"
        disabled={props.pending || !email || !password}
      >
        {props.pending ? 'Please wait…' : props.submitLabel}
      </Button>
    </form>
  )
}

export function SignInPage() {
  const { login } = useAuthMutations()
  return (
    <AuthCard title="Sign in" subtitle="Welcome back. Sign in to edit and publish your workflows.">
      <Credentials
        submitLabel="Sign in"
        pending={login.isPending}
        error={login.error ? errorMessage(login.error) : null}
        onSubmit={(email, password) => login.mutate({ email, password })}
      />
    </AuthCard>
  )
}

export function SetupPage() {
  const { setup } = useAuthMutations()
  return (
    <AuthCard
      title="Create the first admin"
      subtitle="Flowline has no accounts yet. This account will manage users."
    >
      <Credentials
        submitLabel="Create admin account"
        newPassword
        pending={setup.isPending}
        error={setup.error ? errorMessage(setup.error) : null}
        onSubmit={(email, password) => setup.mutate({ email, password })}
      />
    </AuthCard>
  )
}
