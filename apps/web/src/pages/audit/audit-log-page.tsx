import { useState } from 'react'
import {
  type AuditEntry,
  type AuditFilter,
  fetchAllAudit,
  useAuditFacets,
  useAuditLog,
  useWorkflowIndex,
} from '../../api/audit'
import { shortRunId } from '../../api/runs'
import { errorMessage, useTRPCClient } from '../../api/trpc'
import { downloadText, relativeTime } from '../../lib/download'
import { auditLogPath, historyPath, navigate, type Query, runPath } from '../../lib/router'
import { Button } from '../../ui/button'
import { toast } from '../../ui/toast'
import { auditCsv, auditJson } from './audit-export'
import { AuditTabs, Empty, FilterSelect, formatDateTime, Link, TableHead, WorkflowFilter } from './ui'

/** Plain words for the actions the server records; unknown ones show their code. */
const ACTION_LABELS: Record<string, string> = {
  'workflow.create': 'Created workflow',
  'workflow.save': 'Saved a version',
  'workflow.publish': 'Published',
  'workflow.unpublish': 'Unpublished',
  'workflow.archive': 'Archived',
  'workflow.unarchive': 'Unarchived',
  'workflow.duplicate': 'Duplicated',
  'workflow.webhook-secret': 'Changed webhook secret',
  'run.test': 'Started a test run',
  'run.cancel': 'Cancelled a run',
  'run.retry': 'Retried a run',
  'run.approve': 'Approved',
  'run.reject': 'Rejected',
  'run.choose': 'Picked a test run’s branch',
  'analytics.preview': 'Previewed a draft with recent events',
  'user.create': 'Created a user',
  'user.set-role': 'Changed a role',
  'auth.login': 'Signed in',
  'auth.logout': 'Signed out',
  'auth.setup': 'Set up the first admin',
}

export function filterOf(query: Query): AuditFilter {
  return {
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.workflow ? { workflowId: query.workflow } : {}),
  }
}

/** Who did what and when: the append-only audit log, filterable and exportable. */
export function AuditLogPage({ query }: { query: Query }) {
  const filter = filterOf(query)
  const log = useAuditLog(filter)
  const facets = useAuditFacets()
  const { list: workflows, titles } = useWorkflowIndex()
  const client = useTRPCClient()
  const [exporting, setExporting] = useState(false)
  const set = (key: string, value: string) =>
    navigate(auditLogPath({ ...query, [key]: value }), { replace: true })
  const entries = log.data?.pages.flat() ?? []
  const filtered = Object.values(query).some(Boolean)

  const exportAs = async (kind: 'csv' | 'json') => {
    setExporting(true)
    try {
      const all = await fetchAllAudit(client, filter)
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
      if (kind === 'csv') downloadText(`flowline-audit-${stamp}.csv`, auditCsv(all, titles), 'text/csv')
      else downloadText(`flowline-audit-${stamp}.json`, auditJson(all, titles), 'application/json')
    } catch (err) {
      toast(errorMessage(err), 'error')
    } finally {
      setExporting(false)
    }
  }

  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-6xl px-8 py-7">
        <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">Audit</h1>
        <p className="mt-0.5 mb-4 text-[13px] text-slate-500">
          Every change, publish, test run and sign-in, as the server recorded it. The log is append-only.
        </p>
        <AuditTabs active="log" />
        <div className="mb-4 flex flex-wrap items-end gap-3" data-testid="audit-filters">
          <FilterSelect
            label="Actor"
            value={query.actor ?? ''}
            onChange={(e) => set('actor', e.target.value)}
          >
            <option value="">Anyone</option>
            {(facets.data?.actors ?? []).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect
            label="Action"
            value={query.action ?? ''}
            onChange={(e) => set('action', e.target.value)}
          >
            <option value="">Any action</option>
            {(facets.data?.actions ?? []).map((a) => (
              <option key={a} value={a}>
                {ACTION_LABELS[a] ?? a}
              </option>
            ))}
          </FilterSelect>
          <WorkflowFilter
            workflows={workflows.data}
            value={query.workflow ?? ''}
            onChange={(id) => set('workflow', id)}
          />
          {filtered && (
            <Button variant="ghost" size="sm" onClick={() => navigate(auditLogPath(), { replace: true })}>
              Clear filters
            </Button>
          )}
          <span className="ml-auto flex gap-2">
            <Button onClick={() => exportAs('csv')} disabled={exporting} data-testid="export-csv">
              Export CSV
            </Button>
            <Button onClick={() => exportAs('json')} disabled={exporting} data-testid="export-json">
              Export JSON
            </Button>
          </span>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white shadow-xs">
          {log.error ? (
            <p className="px-4 py-6 text-red-600">{errorMessage(log.error)}</p>
          ) : log.isPending ? (
            <Empty>Loading…</Empty>
          ) : entries.length === 0 ? (
            <Empty>{filtered ? 'Nothing matches these filters.' : 'Nothing recorded yet.'}</Empty>
          ) : (
            <table className="w-full text-[13px]" data-testid="audit-log">
              <TableHead columns={['When', 'Who', 'What', 'Workflow', 'Details']} />
              <tbody>
                {entries.map((e) => (
                  <tr
                    key={e.id}
                    data-testid="audit-row"
                    data-action={e.action}
                    data-actor={e.actor}
                    className="border-t border-slate-100 align-top"
                  >
                    <td className="px-4 py-2 whitespace-nowrap text-slate-600" title={relativeTime(e.at)}>
                      {formatDateTime(e.at)}
                    </td>
                    <td className="px-4 py-2 text-slate-800">{e.actor}</td>
                    <td className="px-4 py-2">
                      <span className="text-slate-800">{ACTION_LABELS[e.action] ?? e.action}</span>
                      <span className="ml-1.5 font-mono text-[11px] text-slate-400">{e.action}</span>
                    </td>
                    <td className="px-4 py-2">
                      {e.workflowId ? (
                        <Link to={historyPath(e.workflowId)} className="text-slate-700 hover:text-indigo-700">
                          {titles.get(e.workflowId) ?? e.workflowId}
                        </Link>
                      ) : (
                        <span className="text-slate-300">—</span>
                      )}
                    </td>
                    <td className="px-4 py-2 text-[12px] text-slate-600">
                      <Details entry={e} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {log.hasNextPage && (
            <div className="border-t border-slate-100 px-4 py-2.5 text-center">
              <Button size="sm" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                {log.isFetchingNextPage ? 'Loading…' : 'Show older entries'}
              </Button>
            </div>
          )}
        </div>
      </div>
    </div>
  )
}

/** The details worth reading inline, with links where they point somewhere (versions, runs). */
function Details({ entry }: { entry: AuditEntry }) {
  const d = (entry.details ?? {}) as Record<string, unknown>
  const wf = entry.workflowId
  const version = typeof d.version === 'number' ? d.version : undefined
  const parts: React.ReactNode[] = []
  if (wf && version)
    parts.push(
      <Link key="v" to={historyPath(wf, version)}>
        v{version}
      </Link>,
    )
  if (typeof d.previous === 'number') parts.push(<span key="p">was v{d.previous}</span>)
  if (typeof d.runId === 'string')
    parts.push(
      <Link key="r" to={runPath(d.runId)} testId="audit-run-link">
        run {shortRunId(d.runId)}
      </Link>,
    )
  if (d.draft === true) parts.push(<span key="d">unsaved draft</span>)
  if (d.dryRun === true) parts.push(<span key="dry">dry</span>)
  if (typeof d.message === 'string' && d.message) parts.push(<span key="m">“{d.message}”</span>)
  // Decisions on waiting runs: the task, the branch picked, the reason given.
  if (typeof d.branch === 'string') parts.push(<span key="b">along “{d.branch}”</span>)
  if ((entry.action === 'run.approve' || entry.action === 'run.reject') && typeof d.title === 'string')
    parts.push(<span key="task">{d.title}</span>)
  if (typeof d.comment === 'string' && d.comment) parts.push(<span key="c">“{d.comment}”</span>)
  if (typeof d.email === 'string') parts.push(<span key="e">{d.email}</span>)
  if (typeof d.role === 'string') parts.push(<span key="role">as {d.role}</span>)
  if (typeof d.template === 'string') parts.push(<span key="t">from template {d.template}</span>)
  if (parts.length === 0) {
    const rest = Object.entries(d).filter(([k]) => k !== 'title')
    if (rest.length === 0) return <span className="text-slate-300">—</span>
    return <span className="font-mono text-[11px]">{JSON.stringify(Object.fromEntries(rest))}</span>
  }
  return <span className="flex flex-wrap gap-x-2">{parts}</span>
}
