import { type RunFilter, useRuns, useWorkflowIndex } from '../../api/audit'
import { shortRunId } from '../../api/runs'
import { errorMessage } from '../../api/trpc'
import { relativeTime } from '../../lib/download'
import { historyPath, navigate, type Query, runPath, runsPath } from '../../lib/router'
import { automaticTrigger, RUN_STATUSES } from '../../lib/run-status'
import { Button } from '../../ui/button'
import {
  Empty,
  FilterInput,
  FilterSelect,
  formatDateTime,
  formatDuration,
  KindBadge,
  Link,
  RunStatusBadge,
  TableHead,
  WorkflowFilter,
} from './ui'

const KINDS = ['test', 'production'] as const
const STATUS_OPTION: Record<(typeof RUN_STATUSES)[number], string> = {
  queued: 'Queued',
  running: 'Running',
  waiting: 'Waiting',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

const isOneOf = <T extends string>(options: readonly T[], value: string | undefined): value is T =>
  (options as readonly (string | undefined)[]).includes(value)

/** `datetime-local` values (local time, in the URL as typed) to the ISO instants the server stores. */
function toIso(local: string | undefined): string | undefined {
  if (!local) return undefined
  const t = new Date(local)
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString()
}

/** The route's query as the server's run filter; unknown values are ignored, not sent. */
export function runFilterOf(query: Query): RunFilter {
  const filter: RunFilter = { limit: 200 }
  if (query.workflow) filter.workflowId = query.workflow
  if (isOneOf(RUN_STATUSES, query.status)) filter.status = query.status
  if (isOneOf(KINDS, query.kind)) filter.kind = query.kind
  const version = Number(query.version)
  if (query.version && Number.isInteger(version) && version > 0) filter.version = version
  filter.from = toIso(query.from)
  filter.to = toIso(query.to)
  return filter
}

/** Every run, test and production, filterable; each row opens its read-only trace. */
export function RunsPage({ query }: { query: Query }) {
  const runs = useRuns(runFilterOf(query))
  const { list: workflows, titles } = useWorkflowIndex()
  const set = (key: string, value: string) => {
    const next: Query = { ...query, [key]: value }
    // A version number means nothing across workflows.
    if (key === 'workflow') delete next.version
    navigate(runsPath(next), { replace: true })
  }
  const filtered = Object.values(query).some(Boolean)
  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-6xl px-8 py-7">
        <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">Runs</h1>
        <p className="mt-0.5 mb-5 text-[13px] text-slate-500">
          Test runs from the editor and production runs from Segment events. Open one to replay its trace.
        </p>
        <div className="mb-4 flex flex-wrap items-end gap-3" data-testid="run-filters">
          <WorkflowFilter
            workflows={workflows.data}
            value={query.workflow ?? ''}
            onChange={(id) => set('workflow', id)}
          />
          <FilterSelect
            label="Status"
            value={query.status ?? ''}
            onChange={(e) => set('status', e.target.value)}
          >
            <option value="">Any status</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_OPTION[s]}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect label="Kind" value={query.kind ?? ''} onChange={(e) => set('kind', e.target.value)}>
            <option value="">Test and production</option>
            <option value="test">Test</option>
            <option value="production">Production</option>
          </FilterSelect>
          <FilterInput
            label="Version"
            type="number"
            min={1}
            placeholder="any"
            value={query.version ?? ''}
            onChange={(e) => set('version', e.target.value)}
            style={{ width: 80 }}
          />
          <FilterInput
            label="From"
            type="datetime-local"
            value={query.from ?? ''}
            onChange={(e) => set('from', e.target.value)}
          />
          <FilterInput
            label="To"
            type="datetime-local"
            value={query.to ?? ''}
            onChange={(e) => set('to', e.target.value)}
          />
          {filtered && (
            <Button variant="ghost" size="sm" onClick={() => navigate(runsPath(), { replace: true })}>
              Clear filters
            </Button>
          )}
        </div>
        <div className="rounded-xl border border-slate-200 bg-white shadow-xs">
          {runs.error ? (
            <p className="px-4 py-6 text-red-600">{errorMessage(runs.error)}</p>
          ) : runs.isPending ? (
            <Empty>Loading…</Empty>
          ) : runs.data.length === 0 ? (
            <Empty>{filtered ? 'No run matches these filters.' : 'No runs yet.'}</Empty>
          ) : (
            <table className="w-full text-[13px]" data-testid="run-list">
              <TableHead
                columns={['Status', 'Workflow', 'Version', 'Kind', 'Started by', 'Started', 'Duration']}
              />
              <tbody>
                {runs.data.map((r) => (
                  <tr
                    key={r.id}
                    data-testid="run-row"
                    data-id={r.id}
                    data-kind={r.kind}
                    className="cursor-pointer border-t border-slate-100 align-top hover:bg-slate-50"
                    onClick={() => navigate(runPath(r.id))}
                  >
                    <td className="px-4 py-2.5">
                      <Link to={runPath(r.id)} className="no-underline" title="Open run">
                        <RunStatusBadge
                          status={r.status}
                          waitingUntil={r.waitingUntil}
                          waitingKind={r.waitingKind}
                        />
                      </Link>
                      {r.retryOf && (
                        <div className="mt-1 text-[11.5px] text-slate-500">
                          retry of{' '}
                          <Link to={runPath(r.retryOf)} className="font-mono text-indigo-700 hover:underline">
                            {shortRunId(r.retryOf)}
                          </Link>
                        </div>
                      )}
                    </td>
                    <td className="px-4 py-2.5">
                      <Link to={historyPath(r.workflowId)} className="text-slate-800 hover:text-indigo-700">
                        {titles.get(r.workflowId) ?? r.workflowId}
                      </Link>
                      {r.error && (
                        <div
                          className={`mt-0.5 max-w-md truncate text-[11.5px] ${r.status === 'cancelled' ? 'text-slate-500' : 'text-red-600'}`}
                          title={r.error}
                        >
                          {r.error}
                        </div>
                      )}
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">{r.version ? `v${r.version}` : 'draft'}</td>
                    <td className="px-4 py-2.5">
                      <KindBadge kind={r.kind} dryRun={r.dryRun} />
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">
                      {r.actor ?? automaticTrigger(r.trigger) ?? '—'}
                    </td>
                    <td className="px-4 py-2.5 text-slate-600" title={relativeTime(r.startedAt)}>
                      {formatDateTime(r.startedAt)}
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">{formatDuration(r.durationMs)}</td>
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
