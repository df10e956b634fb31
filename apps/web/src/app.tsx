import { useSession } from './api/session'
import { errorMessage } from './api/trpc'
import { useRoute } from './lib/router'
import { EditorPage } from './pages/editor-page'
import { SetupPage, SignInPage } from './pages/sign-in-page'
import { WorkflowsPage } from './pages/workflows-page'
import { Shell } from './ui/shell'
import { Toasts } from './ui/toast'

export function App() {
  const route = useRoute()
  const { info, me } = useSession()

  let content: React.ReactNode
  if (info.isPending || me.isPending) content = <Splash />
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
