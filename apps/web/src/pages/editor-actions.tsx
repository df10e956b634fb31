import type { CurrentUser } from '../api/trpc'
import { useEditor } from '../store/context'
import { type EditorStore, isDirty } from '../store/editor-store'
import { type LifecycleChange, WorkflowActions } from './workflow-actions'

/** Why the editor shows a workflow read-only, for its badge; null when it can be edited. */
export function readOnlyReasonFor(user: CurrentUser, archived: boolean): string | null {
  if (user.role === 'viewer')
    return 'You are a viewer: you can look at this workflow and its runs, not change them'
  if (archived) return 'Archived: unarchive it (⋯ menu) to edit it again'
  return null
}

/**
 * The editor's ⋯ menu: the workflow lifecycle (rename, duplicate, restore, unpublish, archive,
 * delete) for the open workflow, with the open draft following what the server did.
 */
export function EditorActions(props: {
  store: EditorStore
  archived: boolean
  everPublished: boolean
  /** Replaces the canvas with the latest saved version (after a restore). */
  reload: () => void
}) {
  const { store } = props
  const title = useEditor((s) => s.graph.title)
  const dirty = useEditor(isDirty)
  const version = useEditor((s) => s.baseVersion)
  const published = useEditor((s) => s.publishedVersion)

  const onChanged = (change: LifecycleChange) => {
    const s = store.getState()
    if (change.kind === 'renamed') {
      // The draft was the latest version: with the new name it is the new latest one.
      const graph = { ...s.graph, title: change.title }
      s.commit(graph)
      s.markSaved(graph, change.version)
    } else if (change.kind === 'restored') props.reload()
    else if (change.kind === 'unpublished' || change.kind === 'archived') s.setPublished(null)
  }

  return (
    <WorkflowActions
      workflow={{
        id: store.getState().workflowId,
        title,
        archived: props.archived,
        publishedVersion: published,
        everPublished: props.everPublished,
        latestVersion: version,
      }}
      editor={{
        dirty,
        renameDraft: (t) => {
          const s = store.getState()
          s.commit({ ...s.graph, title: t })
        },
        onChanged,
      }}
    />
  )
}
