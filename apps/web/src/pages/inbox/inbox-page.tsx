import { useInbox } from '../../api/inbox'
import { type CurrentUser, errorMessage } from '../../api/trpc'
import { Empty } from '../audit/ui'
import { TaskCard } from './task-card'

/**
 * Approvals waiting for the signed-in user: tasks assigned to their address or role, oldest
 * first, each with what the run is about and Approve / Reject. Deciding sends the run on.
 */
export function InboxPage({ user }: { user: CurrentUser }) {
  const inbox = useInbox()
  const viewer = user.role === 'viewer'
  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-4xl px-8 py-7" data-testid="inbox-page">
        <div className="flex items-baseline gap-2">
          <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">Inbox</h1>
          {inbox.data && inbox.data.length > 0 && (
            <span className="text-[13px] text-slate-500">{inbox.data.length} waiting</span>
          )}
        </div>
        <p className="mt-0.5 mb-5 text-[13px] text-slate-500">
          Approvals assigned to you ({user.email}) or to your role ({user.role}), oldest first. The run goes
          on along what you decide.
        </p>
        {viewer && (
          <p
            className="mb-4 rounded-lg border border-slate-200 bg-white px-4 py-3 text-[13px] text-slate-600"
            data-testid="inbox-viewer-note"
          >
            You are signed in as a viewer: viewers cannot approve or reject. Editors and admins named on an
            approval step decide it here.
          </p>
        )}
        {inbox.isError ? (
          <p className="text-[13px] text-red-600">{errorMessage(inbox.error)}</p>
        ) : inbox.isPending ? (
          <Empty>Loading…</Empty>
        ) : inbox.data.length === 0 ? (
          <div
            className="rounded-xl border border-dashed border-slate-300 bg-white"
            data-testid="inbox-empty"
          >
            <Empty>Nothing waits for you. Approval steps assigned to you or your role show up here.</Empty>
          </div>
        ) : (
          <ul className="flex flex-col gap-4" data-testid="inbox-list">
            {inbox.data.map((task) => (
              <TaskCard key={task.runId} task={task} canDecide={!viewer} />
            ))}
          </ul>
        )}
      </div>
    </div>
  )
}
