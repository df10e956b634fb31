import type { ReactNode } from 'react'
import { useInbox } from '../api/inbox'
import { useAuthMutations } from '../api/session'
import type { CurrentUser } from '../api/trpc'
import { confirmLeave, navigate, type Route, useRoute } from '../lib/router'
import { AuditLinks } from '../pages/audit/audit-links'
import { Icon } from './icons'

type Section = 'workflows' | 'runs' | 'inbox' | 'audit' | 'connections'
const NAV: {
  id: Section
  label: string
  icon: 'workflow' | 'play' | 'inbox' | 'list' | 'link'
  path: string | null
}[] = [
  { id: 'workflows', label: 'Workflows', icon: 'workflow', path: '/workflows' },
  { id: 'runs', label: 'Runs', icon: 'play', path: '/runs' },
  { id: 'inbox', label: 'Inbox', icon: 'inbox', path: '/inbox' },
  { id: 'audit', label: 'Audit', icon: 'list', path: '/audit' },
  { id: 'connections', label: 'Connect', icon: 'link', path: '/connections' },
]

/** Which rail item a route belongs to. */
function sectionOf(route: Route): Section | null {
  switch (route.name) {
    case 'workflows':
    case 'editor':
      return 'workflows'
    case 'runs':
    case 'run':
      return 'runs'
    case 'audit-workflows':
    case 'audit-log':
    case 'history':
    case 'diff':
      return 'audit'
    case 'connections':
    case 'sources':
      return 'connections'
    case 'inbox':
      return 'inbox'
    default:
      return null
  }
}

export function Logo() {
  return (
    <span className="flex items-center gap-2">
      <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden>
        <rect width="32" height="32" rx="8" className="fill-indigo-600" />
        <path d="M9 11h8M15 16h8M9 21h8" stroke="white" strokeWidth="3" strokeLinecap="round" />
      </svg>
      <span className="text-[15px] font-semibold tracking-tight text-slate-900">Flowline</span>
    </span>
  )
}

/** How many tasks wait in the inbox, on the rail's icon. */
function CountBadge({ count }: { count: number }) {
  return (
    <span
      data-testid="inbox-count"
      className="absolute top-0.5 right-1.5 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] leading-4 font-semibold text-white tabular-nums"
    >
      {count > 99 ? '99+' : count}
      <span className="sr-only"> open task{count === 1 ? '' : 's'}</span>
    </span>
  )
}

/** Header (product, user, sign out) and the left rail around every signed-in page. */
export function Shell({
  user,
  version,
  children,
}: {
  user: CurrentUser
  version: string
  children: ReactNode
}) {
  const { logout } = useAuthMutations()
  const route = useRoute()
  const openTasks = useInbox().data?.length ?? 0
  return (
    <div className="flex h-full flex-col">
      <header className="flex h-12 shrink-0 items-center justify-between border-b border-slate-200 bg-white px-4">
        <div className="flex items-center gap-4">
          <button type="button" onClick={() => navigate('/workflows')} aria-label="Flowline home">
            <Logo />
          </button>
          {/* In the editor: the way to this workflow's versions and runs. */}
          {route.name === 'editor' && <AuditLinks workflowId={route.id} />}
        </div>
        <div className="flex items-center gap-3 text-[13px]">
          <span className="text-slate-400" title="Server version">
            v{version}
          </span>
          {user.role === 'admin' && (
            <button
              type="button"
              onClick={() => navigate('/people')}
              data-testid="nav-people"
              aria-current={route.name === 'people' ? 'page' : undefined}
              className="rounded-md px-2 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700"
            >
              People
            </button>
          )}
          {user.role === 'admin' && (
            <button
              type="button"
              onClick={() => navigate('/system')}
              data-testid="nav-system"
              className="rounded-md px-2 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
            >
              System
            </button>
          )}
          <span className="h-4 w-px bg-slate-200" />
          <button
            type="button"
            onClick={() => navigate('/account')}
            title="Your account: change your password"
            className="flex items-center gap-2 rounded-md px-1.5 py-0.5 hover:bg-slate-100"
            data-testid="current-user"
          >
            <span className="flex h-6 w-6 items-center justify-center rounded-full bg-indigo-100 text-[11px] font-semibold text-indigo-700 uppercase">
              {user.email.slice(0, 1)}
            </span>
            <span className="text-slate-700">{user.email}</span>
            <span className="rounded-full bg-slate-100 px-2 py-px text-[11.5px] font-medium text-slate-600 capitalize">
              {user.role}
            </span>
          </button>
          <button
            type="button"
            onClick={() => confirmLeave() && logout.mutate()}
            className="rounded-md px-2 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
          >
            Sign out
          </button>
        </div>
      </header>
      <div className="flex min-h-0 flex-1">
        <nav
          aria-label="Main"
          className="flex w-[60px] shrink-0 flex-col items-center gap-1 border-r border-slate-200 bg-white py-3"
        >
          {NAV.map((item) => {
            const active = sectionOf(route) === item.id
            const path = item.path
            return (
              <button
                key={item.id}
                type="button"
                disabled={!path}
                aria-current={active ? 'page' : undefined}
                title={path ? item.label : `${item.label} — coming soon`}
                data-testid={`nav-${item.id}`}
                onClick={() => path && navigate(path)}
                className={`relative flex w-12 flex-col items-center gap-0.5 rounded-lg py-1.5 text-[10.5px] ${
                  active
                    ? 'bg-indigo-50 text-indigo-700'
                    : path
                      ? 'text-slate-600 hover:bg-slate-100'
                      : 'cursor-not-allowed text-slate-300'
                }`}
              >
                <Icon name={item.icon} size={18} strokeWidth={1.8} />
                {item.label}
                {item.id === 'inbox' && openTasks > 0 && <CountBadge count={openTasks} />}
              </button>
            )
          })}
        </nav>
        <main className="min-w-0 flex-1">{children}</main>
      </div>
    </div>
  )
}
