import type { Workflow } from '../engine'
import { analyticsView } from './analytics-view'
import type { ReplayPath } from './branch-preview-path'

export interface EdgeShare {
  count: number
  /** As on the analytics canvas: the edge's share of the runs that left its source; null when none did. */
  share: number | null
}

export interface EdgeSplit {
  edgeId: string
  /** The draft's label (the published one for a removed edge). */
  label: string | null
  /** Set when the draft relabelled the edge (e.g. `> 0.7` → `> 0.9`). */
  publishedLabel: string | null
  source: string
  target: string
  /** Its source picks one branch (a decision, a split): the share is the news. */
  branch: boolean
  /** null: the edge is new in the draft. */
  published: EdgeShare | null
  /** null: the draft removed the edge. */
  draft: EdgeShare | null
}

function sharesOf(model: Workflow, paths: ReplayPath[]) {
  // The same fold as the analytics overlay, so preview and overlay shares mean the same.
  const rows = paths.map((p) => ({ hour: '', status: p.status, tokens: p.tokens, count: 1 }))
  const { edges } = analyticsView(model, rows, [])
  const out: Record<string, EdgeShare> = {}
  for (const [id, e] of Object.entries(edges)) out[id] = { count: e.count, share: e.share }
  return {
    out,
    branch: new Set(
      Object.entries(edges)
        .filter(([, e]) => e.branch)
        .map(([id]) => id),
    ),
  }
}

/** Per edge, matched by id: how the replayed events split on the published version and on the draft. */
export function compareSplits(
  published: { model: Workflow; paths: ReplayPath[] },
  draft: { model: Workflow; paths: ReplayPath[] },
): EdgeSplit[] {
  const { out: before, branch: branchBefore } = sharesOf(published.model, published.paths)
  const { out: after, branch: branchAfter } = sharesOf(draft.model, draft.paths)
  const oldEdges = new Map(published.model.edges.map((e) => [e.id, e]))
  const splits: EdgeSplit[] = draft.model.edges.map((e) => {
    const old = oldEdges.get(e.id)
    return {
      edgeId: e.id,
      label: e.label ?? null,
      publishedLabel: old && (old.label ?? null) !== (e.label ?? null) ? (old.label ?? null) : null,
      source: e.source,
      target: e.target,
      branch: branchAfter.has(e.id),
      published: old ? before[e.id] : null,
      draft: after[e.id],
    }
  })
  const kept = new Set(draft.model.edges.map((e) => e.id))
  for (const e of published.model.edges)
    if (!kept.has(e.id))
      splits.push({
        edgeId: e.id,
        label: e.label ?? null,
        publishedLabel: null,
        source: e.source,
        target: e.target,
        branch: branchBefore.has(e.id),
        published: before[e.id],
        draft: null,
      })
  return splits
}

/** The draft's step counts over the replayed events, for the node badges while the preview is shown. */
export function draftStepCounts(draft: { model: Workflow; paths: ReplayPath[] }) {
  const rows = draft.paths.map((p) => ({ hour: '', status: p.status, tokens: p.tokens, count: 1 }))
  const { nodes, ends } = analyticsView(draft.model, rows, [])
  return { nodes, ends }
}
