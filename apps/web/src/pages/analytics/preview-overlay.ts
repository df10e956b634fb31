import type { PreviewStatus } from '../../api/analytics'
import type { AnalyticsOverlay } from '../../canvas/analytics-overlay'

/**
 * A branch preview drawn with the analytics overlay's edge labels: each edge of the draft
 * carries the draft's numbers and, as `before`, the published version's for the same events.
 */
export function previewOverlay(preview: PreviewStatus): AnalyticsOverlay {
  const edges: AnalyticsOverlay['edges'] = {}
  for (const e of preview.edges) {
    if (!e.draft) continue
    edges[e.edgeId] = { count: e.draft.count, share: e.draft.share, branch: e.branch, before: e.published }
  }
  return { nodes: preview.draftSteps.nodes, edges, ends: preview.draftSteps.ends }
}
