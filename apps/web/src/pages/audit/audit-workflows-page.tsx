import { useWorkflowIndex } from '../../api/audit'
import { errorMessage } from '../../api/trpc'
import { relativeTime } from '../../lib/download'
import { diffPath, historyPath, runsPath } from '../../lib/router'
import { StatusBadge } from '../workflows-page'
import { AuditTabs, Empty, formatDateTime, Link, TableHead } from './ui'

/** The audit area's entry: every workflow (archived too), each leading to its versions and runs. */
export function AuditWorkflowsPage() {
  const { list } = useWorkflowIndex()
  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-6xl px-8 py-7">
        <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">Audit</h1>
        <p className="mt-0.5 mb-4 text-[13px] text-slate-500">
          Every version of every workflow, what changed between them, and who did what. Nothing here can be
          edited.
        </p>
        <AuditTabs active="workflows" />
        <div className="rounded-xl border border-slate-200 bg-white shadow-xs">
          {list.error ? (
            <p className="px-4 py-6 text-red-600">{errorMessage(list.error)}</p>
          ) : list.isPending ? (
            <Empty>Loading…</Empty>
          ) : list.data.length === 0 ? (
            <Empty>No workflows yet.</Empty>
          ) : (
            <table className="w-full text-[13px]" data-testid="audit-workflow-list">
              <TableHead columns={['Workflow', 'Status', 'Versions', 'Last change', '']} />
              <tbody>
                {list.data.map((w) => (
                  <tr
                    key={w.id}
                    data-testid="audit-workflow-row"
                    data-id={w.id}
                    className="border-t border-slate-100"
                  >
                    <td className="px-4 py-2.5">
                      <Link
                        to={historyPath(w.id)}
                        className="font-medium text-slate-800 hover:text-indigo-700"
                      >
                        {w.title || 'Untitled workflow'}
                      </Link>
                      {w.archived && (
                        <span className="ml-2 rounded bg-slate-100 px-1.5 py-px text-[11px] text-slate-500">
                          Archived
                        </span>
                      )}
                    </td>
                    <td className="px-4 py-2.5">
                      <StatusBadge status={w.status} version={w.publishedVersion} />
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">v{w.latestVersion}</td>
                    <td className="px-4 py-2.5 text-slate-500" title={formatDateTime(w.updatedAt)}>
                      {relativeTime(w.updatedAt)} <span className="text-slate-400">by</span> {w.updatedBy}
                    </td>
                    <td className="px-4 py-2.5 text-right whitespace-nowrap">
                      <span className="inline-flex gap-3 text-[12.5px]">
                        <Link to={historyPath(w.id)} testId="history-link">
                          History
                        </Link>
                        {w.latestVersion > 1 && (
                          <Link to={diffPath(w.id, w.latestVersion - 1, w.latestVersion)}>Last change</Link>
                        )}
                        <Link to={runsPath({ workflow: w.id })}>Runs</Link>
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </div>
  )
}
