import { type FormEvent, useState } from 'react'
import { setPasswordUrl, usePeopleMutations } from '../../api/people'
import { errorMessage, type Role } from '../../api/trpc'
import { Button } from '../../ui/button'
import { CopyField } from '../../ui/copy-field'
import { Modal } from '../../ui/modal'
import { ROLES } from './roles'

type Method = 'link' | 'password'
/** What the admin passes on: a link that works once, or a password to change later. */
export type Handover =
  | { email: string; kind: 'link'; url: string; expiresAt: string }
  | { email: string; kind: 'password'; password: string }

const expiry = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** The one-time link or temporary password to pass on, shown once with a Copy button. */
export function HandoverView({ handover }: { handover: Handover }) {
  if (handover.kind === 'link')
    return (
      <div data-testid="handover">
        <p className="mb-2 leading-relaxed">
          Send this link to <span className="font-medium">{handover.email}</span> (chat or e-mail). It works
          once, until {expiry(handover.expiresAt)}, and lets them choose their password.
        </p>
        <CopyField label="Set-password link" value={handover.url} testId="handover-link" />
        <p className="mt-2 text-[12px] text-slate-500">
          It is shown only now. If it gets lost, create a new link from the person’s menu.
        </p>
      </div>
    )
  return (
    <div data-testid="handover">
      <p className="mb-2 leading-relaxed">
        Give this temporary password to <span className="font-medium">{handover.email}</span>. They sign in
        with it and change it under their account.
      </p>
      <CopyField label="Temporary password" value={handover.password} testId="handover-password" />
      <p className="mt-2 text-[12px] text-slate-500">It is shown only now.</p>
    </div>
  )
}

export function InviteDialog({ onClose }: { onClose: () => void }) {
  const { invite } = usePeopleMutations()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<Role>('editor')
  const [method, setMethod] = useState<Method>('link')
  const [handover, setHandover] = useState<Handover | null>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const result = await invite.mutateAsync({ email: email.trim(), role, method }).catch(() => null)
    if (!result) return
    const who = result.user.email
    setHandover(
      result.link
        ? {
            email: who,
            kind: 'link',
            url: setPasswordUrl(result.link.token),
            expiresAt: result.link.expiresAt,
          }
        : { email: who, kind: 'password', password: result.password ?? '' },
    )
  }

  if (handover)
    return (
      <Modal
        title="Invitation ready"
        onClose={onClose}
        testId="invite-dialog"
        width="max-w-lg"
        footer={
          <Button variant="primary" onClick={onClose} data-testid="invite-done">
            Done
          </Button>
        }
      >
        <HandoverView handover={handover} />
      </Modal>
    )

  return (
    <Modal
      title="Invite someone"
      onClose={onClose}
      testId="invite-dialog"
      width="max-w-lg"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            type="submit"
            form="invite-form"
            disabled={!email.trim() || invite.isPending}
            data-testid="invite-submit"
          >
            {invite.isPending ? 'Inviting…' : 'Invite'}
          </Button>
        </>
      }
    >
      <form id="invite-form" onSubmit={(e) => void submit(e)}>
        <label className="mb-3 block">
          <span className="mb-1 block text-[12.5px] font-medium text-slate-700">E-mail</span>
          <input
            type="email"
            data-autofocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="name@company.com"
            aria-label="E-mail"
            data-testid="invite-email"
            className="h-9 w-full rounded-md border border-slate-300 px-2.5 text-[13px] outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100"
          />
        </label>
        <fieldset className="mb-3">
          <legend className="mb-1 text-[12.5px] font-medium text-slate-700">Role</legend>
          <div className="space-y-1">
            {ROLES.map((r) => (
              <label key={r.id} className="flex cursor-pointer items-start gap-2 rounded-md px-1 py-0.5">
                <input
                  type="radio"
                  name="role"
                  value={r.id}
                  checked={role === r.id}
                  onChange={() => setRole(r.id)}
                  className="mt-1 accent-indigo-600"
                  data-testid={`invite-role-${r.id}`}
                />
                <span>
                  <span className="font-medium text-slate-800">{r.label}</span>{' '}
                  <span className="text-slate-500">— {r.can}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend className="mb-1 text-[12.5px] font-medium text-slate-700">How they get in</legend>
          {(
            [
              [
                'link',
                'A one-time link to set their own password',
                'Recommended: you never know their password.',
              ],
              ['password', 'A temporary password', 'For someone you hand it to directly.'],
            ] as const
          ).map(([id, label, hint]) => (
            <label key={id} className="flex cursor-pointer items-start gap-2 rounded-md px-1 py-0.5">
              <input
                type="radio"
                name="method"
                checked={method === id}
                onChange={() => setMethod(id)}
                className="mt-1 accent-indigo-600"
                data-testid={`invite-method-${id}`}
              />
              <span>
                <span className="font-medium text-slate-800">{label}</span>
                <span className="block text-[12px] text-slate-500">{hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {invite.error && (
          <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700">
            {errorMessage(invite.error)}
          </p>
        )}
      </form>
    </Modal>
  )
}
