import { useState } from 'react'
import { type Person, setPasswordUrl, usePeople, usePeopleMutations } from '../../api/people'
import { type CurrentUser, errorMessage, type Role } from '../../api/trpc'
import { relativeTime } from '../../lib/download'
import { Button } from '../../ui/button'
import { Menu, MoreGlyph } from '../../ui/menu'
import { Modal } from '../../ui/modal'
import { toast } from '../../ui/toast'
import { type Handover, HandoverView, InviteDialog } from './invite-dialog'
import { ROLES, roleLabel } from './roles'

function StatusPill({ person }: { person: Person }) {
  const [label, tone, title] =
    person.status === 'deactivated'
      ? ['Deactivated', 'bg-slate-100 text-slate-500 ring-slate-200', 'Cannot sign in']
      : person.status === 'invited'
        ? person.link?.expired
          ? [
              'Invitation expired',
              'bg-amber-50 text-amber-800 ring-amber-200',
              'Create a new link from the menu',
            ]
          : ['Invited', 'bg-sky-50 text-sky-700 ring-sky-200', 'Has not set a password yet']
        : ['Active', 'bg-emerald-50 text-emerald-700 ring-emerald-200', 'Can sign in']
  return (
    <span
      title={title}
      data-testid="person-status"
      className={`inline-flex rounded-full px-2 py-px text-[11.5px] font-medium ring-1 ${tone}`}
    >
      {label}
    </span>
  )
}

/** Admins invite people, set their role, deactivate them and hand out set-password links. */
export function PeoplePage({ user }: { user: CurrentUser }) {
  const people = usePeople()
  const { setRole, setActive, newLink } = usePeopleMutations()
  const [inviting, setInviting] = useState(false)
  const [deactivating, setDeactivating] = useState<Person | null>(null)
  const [handover, setHandover] = useState<Handover | null>(null)

  const changeRole = async (person: Person, role: Role) => {
    try {
      await setRole.mutateAsync({ id: person.id, role })
      toast(
        `${person.email} is now ${role === 'viewer' ? 'a' : 'an'} ${roleLabel(role).toLowerCase()}`,
        'success',
      )
    } catch (err) {
      toast(`Could not change the role: ${errorMessage(err)}`, 'error')
    }
  }
  const changeActive = async (person: Person, active: boolean) => {
    setDeactivating(null)
    try {
      await setActive.mutateAsync({ id: person.id, active })
      toast(
        active ? `${person.email} can sign in again` : `${person.email} is deactivated and signed out`,
        'success',
      )
    } catch (err) {
      toast(errorMessage(err), 'error')
    }
  }
  const issueLink = async (person: Person) => {
    try {
      const { link } = await newLink.mutateAsync({ id: person.id })
      setHandover({
        email: person.email,
        kind: 'link',
        url: setPasswordUrl(link.token),
        expiresAt: link.expiresAt,
      })
    } catch (err) {
      toast(errorMessage(err), 'error')
    }
  }

  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-5xl px-8 py-8">
        <div className="mb-5 flex items-end justify-between gap-4">
          <div>
            <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">People</h1>
            <p className="mt-0.5 text-[13px] text-slate-500">
              Who can sign in to Flowline, and what they may do.
            </p>
          </div>
          <Button variant="primary" onClick={() => setInviting(true)} data-testid="invite-button">
            + Invite someone
          </Button>
        </div>
        <ul className="mb-5 grid grid-cols-3 gap-3 text-[12.5px]">
          {ROLES.map((r) => (
            <li key={r.id} className="rounded-lg border border-slate-200 bg-white px-3 py-2">
              <span className="font-semibold text-slate-800">{r.label}</span>
              <span className="block text-slate-500">{r.can}</span>
            </li>
          ))}
        </ul>
        <div className="rounded-xl border border-slate-200 bg-white shadow-xs">
          {people.error ? (
            <p className="px-4 py-6 text-red-600">{errorMessage(people.error)}</p>
          ) : people.isPending ? (
            <p className="px-4 py-6 text-slate-400">Loading…</p>
          ) : (
            <table className="w-full text-[13px]" data-testid="people-list">
              <thead>
                <tr className="text-left text-[11.5px] font-semibold tracking-wide text-slate-500 uppercase">
                  <th className="px-4 py-2 font-semibold">Person</th>
                  <th className="px-4 py-2 font-semibold">Role</th>
                  <th className="px-4 py-2 font-semibold">Status</th>
                  <th className="px-4 py-2 font-semibold">Added</th>
                  <th className="w-12 px-2 py-2" />
                </tr>
              </thead>
              <tbody>
                {people.data.map((p) => (
                  <tr
                    key={p.id}
                    className="border-t border-slate-100"
                    data-testid="person-row"
                    data-email={p.email}
                  >
                    <td className="px-4 py-2.5 font-medium text-slate-800">
                      {p.email}
                      {p.id === user.id && (
                        <span className="ml-1.5 text-[11.5px] font-normal text-slate-400">(you)</span>
                      )}
                    </td>
                    <td className="px-4 py-2">
                      <select
                        aria-label={`Role of ${p.email}`}
                        data-testid="person-role"
                        value={p.role}
                        disabled={p.status === 'deactivated' || setRole.isPending}
                        onChange={(e) => void changeRole(p, e.target.value as Role)}
                        className="h-7 rounded-md border border-slate-300 bg-white px-1.5 text-[12.5px] text-slate-700 outline-none focus:border-indigo-500 disabled:bg-slate-50 disabled:text-slate-400"
                      >
                        {ROLES.map((r) => (
                          <option key={r.id} value={r.id}>
                            {r.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className="px-4 py-2.5">
                      <StatusPill person={p} />
                      {p.link && !p.link.expired && (
                        <span className="ml-2 text-[11.5px] text-slate-400">
                          {p.link.purpose === 'invite' ? 'link' : 'reset link'} open until{' '}
                          {new Date(p.link.expiresAt).toLocaleDateString(undefined, {
                            day: 'numeric',
                            month: 'short',
                          })}
                        </span>
                      )}
                    </td>
                    <td className="px-4 py-2.5 text-slate-500">{relativeTime(p.createdAt)}</td>
                    <td className="px-2 py-1.5 text-right">
                      <Menu
                        label={`Actions for ${p.email}`}
                        testId="person-menu"
                        trigger={<MoreGlyph />}
                        items={[
                          ...(p.status === 'deactivated'
                            ? [
                                {
                                  id: 'reactivate',
                                  label: 'Reactivate',
                                  onSelect: () => void changeActive(p, true),
                                },
                              ]
                            : [
                                {
                                  id: 'new-link',
                                  label: 'New set-password link',
                                  hint: 'Replaces any earlier link',
                                  onSelect: () => void issueLink(p),
                                },
                                ...(p.id === user.id
                                  ? []
                                  : [
                                      'divider' as const,
                                      {
                                        id: 'deactivate',
                                        label: 'Deactivate…',
                                        danger: true,
                                        onSelect: () => setDeactivating(p),
                                      },
                                    ]),
                              ]),
                        ]}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      {inviting && <InviteDialog onClose={() => setInviting(false)} />}
      {handover && (
        <Modal
          title="New set-password link"
          onClose={() => setHandover(null)}
          testId="link-dialog"
          width="max-w-lg"
          footer={
            <Button variant="primary" onClick={() => setHandover(null)}>
              Done
            </Button>
          }
        >
          <HandoverView handover={handover} />
        </Modal>
      )}
      {deactivating && (
        <Modal
          title={`Deactivate ${deactivating.email}?`}
          onClose={() => setDeactivating(null)}
          testId="deactivate-dialog"
          footer={
            <>
              <Button variant="ghost" onClick={() => setDeactivating(null)} data-autofocus>
                Cancel
              </Button>
              <Button
                variant="danger"
                onClick={() => void changeActive(deactivating, false)}
                data-testid="deactivate-confirm"
              >
                Deactivate
              </Button>
            </>
          }
        >
          <p className="leading-relaxed">
            They are signed out at once and can no longer sign in. Their name stays on the versions they saved
            and in the audit log. You can reactivate them later.
          </p>
        </Modal>
      )}
    </div>
  )
}
