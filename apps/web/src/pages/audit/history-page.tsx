import { useQuery } from '@tanstack/react-query'
import { ReactFlowProvider } from '@xyflow/react'
import { useState } from 'react'
import { useVersions, versionModel } from '../../api/audit'
import { type CurrentUser, errorMessage, useTRPC } from '../../api/trpc'
import type { Issue, Workflow } from '../../lib/engine'
import { diffPath, historyPath, runsPath, workflowPath } from '../../lib/router'
import { AnalyticsBar } from '../analytics/analytics-bar'
import { AnalyticsProvider } from '../analytics/analytics-state'
import { AnalyticsToggle } from '../analytics/analytics-toggle'
import { ItemDetails } from './item-details'
import { type CanvasSelection, ReadOnlyCanvas } from './read-only-canvas'
import { formatDateTime, Link, Loading, PageHeader, ValidationState } from './ui'
import { useLaidOut } from './use-laid-out'
import { VersionTimeline } from './version-timeline'

/** One workflow's history: the version timeline beside the chosen version on a locked canvas. */
export function HistoryPage({ id, version, user }: { id: string; version?: number; user: CurrentUser }) {
  const trpc = useTRPC()
  const versions = useVersions(id)
  // Without a version the server answers with the latest one.
  const detail = useQuery(
    trpc.workflows.get.queryOptions(version ? { id, version } : { id }, {
      staleTime: version ? Infinity : 15_000,
    }),
  )
  const model = detail.data ? versionModel(detail.data.version) : undefined
  const { graph, error: layoutError } = useLaidOut(model)
  // The selection outlives a change of version, so one node can be followed through history.
  const [picked, setSelection] = useState<CanvasSelection>(null)
  const selection = graph && picked && existsIn(graph, picked) ? picked : null
  const shown = detail.data?.version.number
  const error = versions.error ?? detail.error

  if (error) return <p className="p-10 text-[13px] text-red-600">{errorMessage(error)}</p>
  const title = detail.data?.title || 'Untitled workflow'
  return (
    // Analytics: the toggle in the header, numbers on the canvas, the bar over it.
    <AnalyticsProvider workflowId={id}>
      <div className="flex h-full flex-col" data-testid="history-page">
        <PageHeader
          crumbs={[
            { label: 'Audit', to: '/audit' },
            { label: title, to: historyPath(id) },
            { label: shown ? `Version ${shown}` : '…' },
          ]}
        >
          {shown && shown > 1 && (
            <Link
              to={diffPath(id, shown - 1, shown)}
              className="text-[12.5px] text-indigo-700 hover:underline"
            >
              Changes from v{shown - 1}
            </Link>
          )}
          <Link
            to={runsPath({ workflow: id, ...(shown ? { version: shown } : {}) })}
            className="text-[12.5px] text-indigo-700 hover:underline"
          >
            Runs of this version
          </Link>
          <AnalyticsToggle />
          {user.role !== 'viewer' && (
            <Link
              to={workflowPath(id)}
              className="rounded-md border border-slate-300 px-2.5 py-1 text-[12.5px] font-medium text-slate-700 hover:bg-slate-50"
            >
              Open in editor
            </Link>
          )}
        </PageHeader>
        <div className="flex min-h-0 flex-1">
          <aside
            className="w-[320px] shrink-0 overflow-y-auto border-r border-slate-200 bg-white"
            aria-label="Versions"
          >
            <h2 className="px-4 pt-3 pb-1 text-[12px] font-semibold tracking-wide text-slate-500 uppercase">
              Versions
            </h2>
            {versions.data ? (
              <VersionTimeline workflowId={id} versions={versions.data} shown={shown} />
            ) : (
              <p className="px-4 py-3 text-[12.5px] text-slate-400">Loading…</p>
            )}
          </aside>
          <section className="relative min-w-0 flex-1" aria-label="Version canvas">
            {layoutError ? (
              <p className="p-10 text-[13px] text-red-600">{layoutError}</p>
            ) : graph ? (
              <>
                <ReactFlowProvider key={shown}>
                  <ReadOnlyCanvas graph={graph} selection={selection} onSelect={setSelection} />
                </ReactFlowProvider>
                <AnalyticsBar graph={graph} />
              </>
            ) : (
              <Loading label="Opening version…" />
            )}
          </section>
          <aside
            className="w-[290px] shrink-0 overflow-y-auto border-l border-slate-200 bg-white px-4 py-3.5"
            aria-label="Details"
          >
            {selection && graph ? (
              <>
                <button
                  type="button"
                  className="mb-3 text-[12px] text-indigo-700 hover:underline"
                  onClick={() => setSelection(null)}
                >
                  ← Version details
                </button>
                <ItemDetails graph={graph} selection={selection} />
              </>
            ) : detail.data ? (
              <VersionSummary detail={detail.data} />
            ) : null}
          </aside>
        </div>
      </div>
    </AnalyticsProvider>
  )
}

function existsIn(graph: Workflow, s: NonNullable<CanvasSelection>): boolean {
  return s.kind === 'node' ? graph.nodes.some((n) => n.id === s.id) : graph.edges.some((e) => e.id === s.id)
}

function VersionSummary({
  detail,
}: {
  detail: {
    latestVersion: number
    publishedVersion: number | null
    version: {
      number: number
      author: string
      createdAt: string
      message: string | null
      publishedAt: string | null
      issues: unknown
    }
  }
}) {
  const v = detail.version
  const issues = (v.issues as Issue[] | undefined) ?? []
  const errors = issues.filter((i) => i.severity === 'error').length
  return (
    <div data-testid="version-summary">
      <h2 className="text-[14px] font-semibold text-slate-900">Version {v.number}</h2>
      <p className={`mt-1 text-[12.5px] ${v.message ? 'text-slate-700' : 'text-slate-400 italic'}`}>
        {v.message || 'No message'}
      </p>
      <dl className="mt-3 space-y-1.5 text-[12.5px]">
        <Row label="Saved by">{v.author}</Row>
        <Row label="Saved at">{formatDateTime(v.createdAt)}</Row>
        <Row label="Published">
          {detail.publishedVersion === v.number
            ? `Live since ${formatDateTime(v.publishedAt)}`
            : v.publishedAt
              ? `Was live (last published ${formatDateTime(v.publishedAt)})`
              : 'Never'}
        </Row>
        <Row label="Validation">
          <ValidationState errors={errors} warnings={issues.length - errors} />
        </Row>
      </dl>
      {issues.length > 0 && (
        <ul className="mt-3 space-y-1">
          {issues.map((i) => (
            <li
              key={`${i.code}:${i.nodeId ?? i.edgeId ?? ''}:${i.message}`}
              className={`rounded-md px-2.5 py-1.5 text-[12px] leading-snug ${
                i.severity === 'error' ? 'bg-red-50 text-red-700' : 'bg-amber-50 text-amber-800'
              }`}
            >
              {i.message}
            </li>
          ))}
        </ul>
      )}
      <p className="mt-4 text-[12px] leading-relaxed text-slate-500">
        Select a node or an edge on the canvas to inspect its configuration.
      </p>
    </div>
  )
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex gap-2">
      <dt className="w-20 shrink-0 text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-800">{children}</dd>
    </div>
  )
}
