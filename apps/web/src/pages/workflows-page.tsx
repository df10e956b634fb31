import { useQuery } from '@tanstack/react-query'
import { useDeferredValue, useRef, useState } from 'react'
import type { CurrentUser, WorkflowSummary } from '../api/trpc'
import { errorMessage, useTRPC } from '../api/trpc'
import { useWorkflowMutations } from '../api/workflows'
import { relativeTime } from '../lib/download'
import { navigate, workflowPath } from '../lib/router'
import { Button } from '../ui/button'
import { Icon } from '../ui/icons'
import { toast } from '../ui/toast'
import { TemplateGallery } from './templates/template-gallery'
import { WorkflowActions } from './workflow-actions'

export function StatusBadge({ status, version }: { status: 'draft' | 'published'; version?: number | null }) {
  return status === 'published' ? (
    <span className="inline-flex shrink-0 items-center gap-1 rounded-full bg-emerald-50 px-2 py-px whitespace-nowrap text-[11.5px] font-medium text-emerald-700 ring-1 ring-emerald-200">
      <span className="h-1.5 w-1.5 rounded-full bg-emerald-500" />
      Published{version ? ` v${version}` : ''}
    </span>
  ) : (
    <span className="inline-flex shrink-0 items-center gap-1 rounded-full bg-slate-100 px-2 py-px whitespace-nowrap text-[11.5px] font-medium text-slate-600 ring-1 ring-slate-200">
      <span className="h-1.5 w-1.5 rounded-full bg-slate-400" />
      Draft
    </span>
  )
}

export function WorkflowsPage({ user }: { user: CurrentUser }) {
  const trpc = useTRPC()
  const [search, setSearch] = useState('')
  const [showArchived, setShowArchived] = useState(false)
  // The "New workflow" dialog: open (true), or open with a template chosen from the list.
  const [naming, setNaming] = useState<boolean | { id: string; title: string }>(false)
  const deferred = useDeferredValue(search.trim())
  const list = useQuery(
    trpc.workflows.list.queryOptions({
      ...(deferred ? { search: deferred } : {}),
      ...(showArchived ? { includeArchived: true } : {}),
    }),
  )
  const templates = useQuery(trpc.workflows.templates.queryOptions())
  const { create } = useWorkflowMutations()
  const fileInput = useRef<HTMLInputElement>(null)
  const hasWorkflows = !!deferred || showArchived || (list.data?.length ?? 0) > 0
  const canEdit = user.role !== 'viewer'

  const createAndOpen = async (input: Parameters<typeof create.mutateAsync>[0]) => {
    try {
      const { id } = await create.mutateAsync(input)
      navigate(workflowPath(id))
    } catch (err) {
      toast(errorMessage(err), 'error')
    }
  }

  const importFile = async (file: File) => {
    const text = await file.text()
    if (/\.json$/i.test(file.name)) {
      let model: unknown
      try {
        model = JSON.parse(text)
      } catch (err) {
        toast(`${file.name} is not valid JSON: ${(err as Error).message}`, 'error')
        return
      }
      await createAndOpen({ model: model as never })
    } else {
      await createAndOpen({ notation: text, file: file.name })
    }
  }

  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-5xl px-8 py-8">
        <div className="mb-6 flex items-end justify-between gap-4">
          <div>
            <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">Workflows</h1>
            <p className="mt-0.5 text-[13px] text-slate-500">
              Automation scenarios your team edits, tests and publishes.
            </p>
          </div>
          {canEdit && (
            <div className="flex items-center gap-2">
              <input
                ref={fileInput}
                type="file"
                accept=".flow,.json,.txt,application/json,text/plain"
                className="hidden"
                data-testid="import-file-input"
                aria-label="Import a .flow or .json file"
                onChange={(e) => {
                  const file = e.target.files?.[0]
                  e.target.value = ''
                  if (file) void importFile(file)
                }}
              />
              <Button onClick={() => fileInput.current?.click()} data-testid="import-button">
                Import file…
              </Button>
              <Button
                variant="primary"
                onClick={() => setNaming(true)}
                data-testid="create-blank"
                disabled={create.isPending}
              >
                + New workflow
              </Button>
            </div>
          )}
        </div>

        {/* Someone with workflows comes back to them: the templates move below the list. */}
        <div className="flex flex-col gap-7">
          {/* Only once the list is in: the cards must not jump away from under a click. */}
          {canEdit && list.data && (templates.data?.length ?? 0) > 0 && (
            <section className={hasWorkflows ? 'order-2' : ''} data-testid="template-section">
              <h2 className="mb-2 text-[12px] font-semibold tracking-wide text-slate-500 uppercase">
                Start from a template
              </h2>
              <div className="grid grid-cols-2 gap-3">
                {templates.data!.map((t) => (
                  <button
                    key={t.id}
                    type="button"
                    data-testid={`template-${t.id}`}
                    disabled={create.isPending}
                    onClick={() => setNaming({ id: t.id, title: t.title })}
                    className="group flex items-start gap-3 rounded-xl border border-slate-200 bg-white p-4 text-left shadow-xs transition hover:border-indigo-200 hover:shadow-sm"
                  >
                    <span className="flex h-9 w-9 shrink-0 items-center justify-center rounded-lg bg-indigo-50 text-indigo-600">
                      <Icon name="sparkles" size={18} />
                    </span>
                    <span>
                      <span className="block text-[13.5px] font-semibold text-slate-800 group-hover:text-indigo-700">
                        {t.title}
                      </span>
                      <span className="mt-0.5 block text-[12.5px] leading-snug text-slate-500">
                        {t.description}
                      </span>
                    </span>
                  </button>
                ))}
              </div>
            </section>
          )}

          <div className="rounded-xl border border-slate-200 bg-white shadow-xs">
            <div className="flex items-center gap-3 border-b border-slate-100 px-4 py-3">
              <input
                type="search"
                placeholder="Search workflows"
                aria-label="Search workflows"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                className="h-8 w-72 rounded-md border border-slate-300 px-2.5 text-[13px] outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100"
              />
              <span className="text-[12.5px] text-slate-400">
                {list.data ? `${list.data.length} workflow${list.data.length === 1 ? '' : 's'}` : ''}
              </span>
              <label className="ml-auto flex items-center gap-1.5 text-[12.5px] text-slate-600">
                <input
                  type="checkbox"
                  checked={showArchived}
                  onChange={(e) => setShowArchived(e.target.checked)}
                  className="accent-indigo-600"
                  data-testid="show-archived"
                />
                Show archived
              </label>
            </div>
            <WorkflowTable
              rows={list.data}
              loading={list.isPending}
              error={list.error ? errorMessage(list.error) : null}
              canEdit={canEdit}
            />
          </div>
        </div>
      </div>
      {naming && (
        <TemplateGallery
          initial={typeof naming === 'object' ? naming : undefined}
          onClose={() => setNaming(false)}
        />
      )}
    </div>
  )
}

function WorkflowTable(props: {
  rows?: WorkflowSummary[]
  loading: boolean
  error: string | null
  canEdit: boolean
}) {
  if (props.error) return <p className="px-4 py-6 text-red-600">{props.error}</p>
  if (props.loading) return <p className="px-4 py-6 text-slate-400">Loading…</p>
  if (!props.rows?.length)
    return (
      <p className="px-4 py-10 text-center text-slate-400">
        No workflows yet — start from a template or a blank canvas.
      </p>
    )
  return (
    <table className="w-full text-[13px]" data-testid="workflow-list">
      <thead>
        <tr className="text-left text-[11.5px] font-semibold tracking-wide text-slate-500 uppercase">
          <th className="px-4 py-2 font-semibold">Name</th>
          <th className="px-4 py-2 font-semibold">Status</th>
          <th className="px-4 py-2 font-semibold">Version</th>
          <th className="px-4 py-2 font-semibold">Last edited</th>
          {props.canEdit && (
            <th className="w-12 px-2 py-2">
              <span className="sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((w) => (
          <tr
            key={w.id}
            data-testid="workflow-row"
            data-id={w.id}
            className="cursor-pointer border-t border-slate-100 hover:bg-slate-50"
            onClick={() => navigate(workflowPath(w.id))}
          >
            <td className="px-4 py-2.5">
              <a
                href={`#${workflowPath(w.id)}`}
                className="font-medium text-slate-800 hover:text-indigo-700"
                onClick={(e) => e.preventDefault()}
              >
                {w.title || 'Untitled workflow'}
              </a>
            </td>
            <td className="px-4 py-2.5">
              {w.archived ? (
                <span className="inline-flex rounded-full bg-slate-100 px-2 py-px text-[11.5px] font-medium text-slate-500 ring-1 ring-slate-200">
                  Archived
                </span>
              ) : (
                <StatusBadge status={w.status} version={w.publishedVersion} />
              )}
            </td>
            <td className="px-4 py-2.5 text-slate-500">v{w.latestVersion}</td>
            <td className="px-4 py-2.5 text-slate-500">
              {relativeTime(w.updatedAt)} <span className="text-slate-400">by</span> {w.updatedBy}
            </td>
            {props.canEdit && (
              // The menu and its dialogs live in the row: their clicks must not open the workflow.
              <td className="px-2 py-1.5 text-right" onClick={(e) => e.stopPropagation()}>
                <WorkflowActions workflow={w} testId="row-menu" />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
