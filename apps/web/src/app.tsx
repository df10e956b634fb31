import { useSession } from './api/session'
import { errorMessage } from './api/trpc'
import { useRoute } from './lib/router'
import { AuditLogPage } from './pages/audit/audit-log-page'
import { AuditWorkflowsPage } from './pages/audit/audit-workflows-page'
import { DiffPage } from './pages/audit/diff-page'
import { HistoryPage } from './pages/audit/history-page'
import { RunsPage } from './pages/audit/runs-page'
import { ConnectionsPage } from './pages/connections-page'
import { EditorPage } from './pages/editor-page'
import { InboxPage } from './pages/inbox/inbox-page'
import { AccountPage } from './pages/people/account-page'
import { PeoplePage } from './pages/people/people-page'
import { SetPasswordPage } from './pages/people/set-password-page'
import { RunPage } from './pages/run-page'
import { SetupPage, SignInPage } from './pages/sign-in-page'
import { SourcesPage } from './pages/sources/sources-page'
import { SystemPage } from './pages/system-page'
import { WorkflowsPage } from './pages/workflows-page'
import { Shell } from './ui/shell'
import { Toasts } from './ui/toast'

export function App() {
  const route = useRoute()
  const { info, me } = useSession()

  let content: React.ReactNode
  // A set-password link works signed out (an invitee has no password yet) and signed in alike.
  if (route.name === 'set-password') content = <SetPasswordPage token={route.token} />
  else if (info.isPending || me.isPending) content = <Splash />
  else if (info.isError) content = <Splash error={`Cannot reach the server: ${errorMessage(info.error)}`} />
  else if (info.data.needsSetup) content = <SetupPage />
  else if (!me.data) content = <SignInPage />
  else {
    const user = me.data
    content = (
      <Shell user={user} version={info.data.version}>
        {route.name === 'editor' ? (
          <EditorPage key={route.id} id={route.id} user={user} />
        ) : route.name === 'workflows' ? (
          <WorkflowsPage user={user} />
        ) : route.name === 'audit-workflows' ? (
          <AuditWorkflowsPage />
        ) : route.name === 'audit-log' ? (
          <AuditLogPage query={route.query} />
        ) : route.name === 'history' ? (
          <HistoryPage key={route.id} id={route.id} version={route.version} user={user} />
        ) : route.name === 'diff' ? (
          <DiffPage key={route.id} id={route.id} from={route.from} to={route.to} />
        ) : route.name === 'runs' ? (
          <RunsPage query={route.query} />
        ) : route.name === 'run' ? (
          <RunPage key={route.runId} runId={route.runId} />
        ) : route.name === 'inbox' ? (
          <InboxPage user={user} />
        ) : route.name === 'connections' ? (
          <ConnectionsPage user={user} />
        ) : route.name === 'sources' ? (
          <SourcesPage user={user} />
        ) : route.name === 'people' ? (
          user.role === 'admin' ? (
            <PeoplePage user={user} />
          ) : (
            <div className="p-10 text-slate-500">Only admins manage people.</div>
          )
        ) : route.name === 'account' ? (
          <AccountPage user={user} />
        ) : route.name === 'system' ? (
          user.role === 'admin' ? (
            <SystemPage />
          ) : (
            <div className="p-10 text-slate-500">Only admins see the system status.</div>
          )
        ) : (
          <div className="p-10 text-slate-500">Nothing here: {route.path}</div>
        )}
      </Shell>
    )
  }
  return (
    <>
      {content}
      <Toasts />
    </>
  )
}

function Splash({ error }: { error?: string }) {
  return (
    <div className="flex h-full items-center justify-center text-[13px] text-slate-500">
      {error ? (
        <span className="text-red-600">{error}</span>
      ) : (
        <span className="animate-pulse">Loading Flowline…</span>
      )}
    </div>
  )
}
