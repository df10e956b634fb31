import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { errorMessage, useTRPC } from '../api/trpc'
import { useWorkflowMutations } from '../api/workflows'
import { relativeTime } from '../lib/download'
import { navigate, workflowPath } from '../lib/router'
import { Button } from '../ui/button'
import { Menu, type MenuItem, MoreGlyph } from '../ui/menu'
import { Modal } from '../ui/modal'
import { toast } from '../ui/toast'
import { NameDialog } from './name-dialog'

export interface ActionTarget {
  id: string
  title: string
  archived: boolean
  publishedVersion: number | null
  /** Was ever live: then it is archived, never deleted. */
  everPublished: boolean
  /** With one version there is nothing to restore. */
  latestVersion: number
}

export type LifecycleChange =
  | { kind: 'renamed'; title: string; version: number }
  | { kind: 'restored'; version: number }
  | { kind: 'unpublished' }
  | { kind: 'archived' }
  | { kind: 'unarchived' }

/** In the editor: what the open draft has to follow. */
export interface EditorHooks {
  dirty: boolean
  /** Renaming an unsaved draft changes the draft's title (saved with it) instead of adding a version. */
  renameDraft: (title: string) => void
  onChanged: (change: LifecycleChange) => void
}

type Dialog = 'rename' | 'archive' | 'unpublish' | 'delete' | 'restore' | null

/**
 * The lifecycle of one workflow, from the list row's menu or the editor's: rename, duplicate,
 * restore an old version as a new draft, unpublish, archive/unarchive, delete a draft that was
 * never published. Destructive ones ask first; the server audits each.
 */
export function WorkflowActions({
  workflow,
  editor,
  testId = 'workflow-menu',
}: {
  workflow: ActionTarget
  editor?: EditorHooks
  testId?: string
}) {
  const m = useWorkflowMutations()
  const [dialog, setDialog] = useState<Dialog>(null)
  const close = () => setDialog(null)
  const dirty = editor?.dirty ?? false

  const run = async <T,>(work: () => Promise<T>, done: (result: T) => void) => {
    try {
      const result = await work()
      close()
      done(result)
    } catch (err) {
      close()
      toast(errorMessage(err), 'error')
    }
  }

  const rename = (title: string) => {
    if (editor && dirty) {
      editor.renameDraft(title)
      close()
      toast('Renamed: the new name is saved with your changes')
      return
    }
    void run(
      () => m.rename.mutateAsync({ id: workflow.id, title }),
      (r) => {
        editor?.onChanged({ kind: 'renamed', title: r.title, version: r.version })
        toast(`Renamed to “${r.title}” (version ${r.version})`, 'success')
      },
    )
  }
  const duplicate = () =>
    void run(
      () => m.duplicate.mutateAsync({ id: workflow.id }),
      (r) => {
        toast(`Duplicated as “Copy of ${workflow.title}”`, 'success')
        if (editor) navigate(workflowPath(r.id))
      },
    )
  const setArchived = (archived: boolean) =>
    void run(
      () => m.archive.mutateAsync({ id: workflow.id, archived }),
      () => {
        editor?.onChanged({ kind: archived ? 'archived' : 'unarchived' })
        toast(
          archived ? `“${workflow.title}” is archived` : `“${workflow.title}” is back from the archive`,
          'success',
        )
      },
    )
  const unpublish = () =>
    void run(
      () => m.unpublish.mutateAsync({ id: workflow.id }),
      () => {
        editor?.onChanged({ kind: 'unpublished' })
        toast(`“${workflow.title}” is unpublished: events no longer run it`, 'success')
      },
    )
  const remove = () =>
    void run(
      () => m.remove.mutateAsync({ id: workflow.id }),
      () => {
        toast(`Deleted “${workflow.title}”`, 'success')
        if (editor) navigate('/workflows', { force: true })
      },
    )
  const restore = (version: number) =>
    void run(
      () => m.restore.mutateAsync({ workflowId: workflow.id, version }),
      (r) => {
        editor?.onChanged({ kind: 'restored', version: r.version })
        toast(`Version ${version} restored as version ${r.version}, a draft`, 'success')
      },
    )

  const saveFirst = 'Save or discard your changes first'
  const items: (MenuItem | 'divider')[] = workflow.archived
    ? [
        { id: 'duplicate', label: 'Duplicate', onSelect: duplicate },
        'divider',
        { id: 'unarchive', label: 'Unarchive', onSelect: () => setArchived(false) },
      ]
    : [
        { id: 'rename', label: 'Rename…', onSelect: () => setDialog('rename') },
        { id: 'duplicate', label: 'Duplicate', onSelect: duplicate },
        ...(workflow.latestVersion > 1
          ? [
              {
                id: 'restore',
                label: 'Restore a version…',
                hint: dirty ? saveFirst : 'An old version as a new draft',
                disabled: dirty,
                onSelect: () => setDialog('restore'),
              },
            ]
          : []),
        'divider',
        ...(workflow.publishedVersion !== null
          ? [{ id: 'unpublish', label: 'Unpublish…', onSelect: () => setDialog('unpublish') }]
          : []),
        {
          id: 'archive',
          label: 'Archive…',
          hint: dirty ? saveFirst : undefined,
          disabled: dirty,
          onSelect: () => setDialog('archive'),
        },
        ...(!workflow.everPublished
          ? [{ id: 'delete', label: 'Delete draft…', danger: true, onSelect: () => setDialog('delete') }]
          : []),
      ]

  return (
    <>
      <Menu label={`Actions for ${workflow.title}`} testId={testId} trigger={<MoreGlyph />} items={items} />
      {dialog === 'rename' && (
        <NameDialog
          title="Rename workflow"
          confirmLabel="Rename"
          initial={workflow.title}
          requireChange
          pending={m.rename.isPending}
          hint={
            dirty ? undefined : 'Saved as a new version with the new name; the live version keeps running.'
          }
          onSubmit={rename}
          onClose={close}
          testId="rename-dialog"
        />
      )}
      {dialog === 'archive' && (
        <Confirm
          title={`Archive “${workflow.title}”?`}
          confirm="Archive"
          onConfirm={() => setArchived(true)}
          onClose={close}
          testId="archive-dialog"
        >
          {workflow.publishedVersion !== null
            ? 'Archiving unpublishes it: events stop running it and its webhook answers 404. '
            : ''}
          It leaves the list and becomes read-only. Its versions and runs stay in the audit trail, and you can
          unarchive it any time.
        </Confirm>
      )}
      {dialog === 'unpublish' && (
        <Confirm
          title={`Unpublish “${workflow.title}”?`}
          confirm="Unpublish"
          onConfirm={unpublish}
          onClose={close}
          testId="unpublish-dialog"
        >
          Events stop running it at once: its webhook answers 404 until a version is published again. Runs
          that already started carry on.
        </Confirm>
      )}
      {dialog === 'delete' && (
        <Confirm
          title={`Delete “${workflow.title}”?`}
          confirm="Delete for good"
          onConfirm={remove}
          onClose={close}
          testId="delete-dialog"
        >
          It was never published, so nothing depends on it: its versions and test runs are deleted.
          {dirty ? ' Your unsaved changes go with it.' : ''} This cannot be undone; the audit log keeps a line
          saying you deleted it.
        </Confirm>
      )}
      {dialog === 'restore' && (
        <RestoreDialog
          workflowId={workflow.id}
          pending={m.restore.isPending}
          onRestore={restore}
          onClose={close}
        />
      )}
    </>
  )
}

function Confirm(props: {
  title: string
  confirm: string
  children: React.ReactNode
  onConfirm: () => void
  onClose: () => void
  testId: string
}) {
  return (
    <Modal
      title={props.title}
      onClose={props.onClose}
      testId={props.testId}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose} data-autofocus>
            Cancel
          </Button>
          <Button variant="danger" onClick={props.onConfirm} data-testid="confirm-action">
            {props.confirm}
          </Button>
        </>
      }
    >
      <p className="leading-relaxed">{props.children}</p>
    </Modal>
  )
}

/** The versions of a workflow, newest first; any but the latest can come back as a new draft. */
function RestoreDialog(props: {
  workflowId: string
  pending: boolean
  onRestore: (version: number) => void
  onClose: () => void
}) {
  const trpc = useTRPC()
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId: props.workflowId }))
  const latest = versions.data?.[0]?.number
  return (
    <Modal title="Restore a version" onClose={props.onClose} testId="restore-dialog" width="max-w-xl">
      <p className="mb-3 text-slate-500">
        Restoring copies an old version into a new draft version. Nothing is lost: the versions in between
        stay in the history, and the published version keeps running until you publish another.
      </p>
      {versions.error && <p className="text-red-600">{errorMessage(versions.error)}</p>}
      {versions.isPending && <p className="text-slate-400">Loading versions…</p>}
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
        {versions.data?.map((v) => (
          <li
            key={v.number}
            className="flex items-center gap-3 px-3 py-2"
            data-testid="restore-version"
            data-version={v.number}
          >
            <span className="w-9 font-mono text-[12.5px] font-semibold text-slate-700">v{v.number}</span>
            <span className="min-w-0 flex-1">
              <span className="block truncate text-slate-800">{v.message || 'No message'}</span>
              <span className="block text-[12px] text-slate-400">
                {relativeTime(v.createdAt)} by {v.author}
                {v.published && <span className="ml-1.5 font-medium text-emerald-700">· published</span>}
                {v.errorCount > 0 && (
                  <span className="ml-1.5 text-red-600">
                    · {v.errorCount} error{v.errorCount > 1 ? 's' : ''}
                  </span>
                )}
              </span>
            </span>
            {v.number === latest ? (
              <span className="text-[12px] text-slate-400">latest</span>
            ) : (
              <Button
                size="sm"
                disabled={props.pending}
                onClick={() => props.onRestore(v.number)}
                data-testid={`restore-v${v.number}`}
              >
                Restore as new draft
              </Button>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  )
}
