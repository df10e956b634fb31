import { useEditor } from '../../store/context'
import { isDirty } from '../../store/editor-store'
import { AnalyticsBar } from './analytics-bar'
import { BranchPreviewPanel } from './branch-preview-panel'

/** The analytics bar over the editor's canvas, on the graph being edited, with the draft's branch preview. */
export function EditorAnalyticsBar() {
  const graph = useEditor((s) => s.graph)
  const publishedVersion = useEditor((s) => s.publishedVersion)
  const readOnly = useEditor((s) => s.readOnly)
  // A saved draft is replayed by its version number: no model copied into each dry run.
  const savedVersion = useEditor((s) => (isDirty(s) ? null : s.baseVersion))
  return (
    <AnalyticsBar graph={graph}>
      <BranchPreviewPanel
        graph={graph}
        savedVersion={savedVersion}
        publishedVersion={publishedVersion}
        canEdit={!readOnly}
      />
    </AnalyticsBar>
  )
}
