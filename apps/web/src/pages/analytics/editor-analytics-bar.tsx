import { useEditor } from '../../store/context'
import { AnalyticsBar } from './analytics-bar'

/** The analytics bar over the editor's canvas, on the graph being edited. */
export function EditorAnalyticsBar() {
  const graph = useEditor((s) => s.graph)
  return <AnalyticsBar graph={graph} />
}
