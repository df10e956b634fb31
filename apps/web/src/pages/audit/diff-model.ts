import {
  type DiffStatus,
  diffStatusById,
  diffWorkflows,
  type Workflow,
  type WorkflowDiff,
} from '../../lib/engine'

/**
 * What the diff canvas draws: the newer version plus, at their old places, what the older
 * one had and the newer one dropped — so a removal is seen where it was, not just listed.
 */
export interface DiffView {
  diff: WorkflowDiff
  union: Workflow
  nodes: Map<string, DiffStatus>
  edges: Map<string, DiffStatus>
  groups: Map<string, DiffStatus>
  /** The old label of edges whose label or condition changed, drawn struck through beside the new one. */
  edgeLabelBefore: Map<string, string>
}

export function buildDiffView(before: Workflow, after: Workflow): DiffView {
  const diff = diffWorkflows(before, after)
  const status = diffStatusById(diff)
  const removed = <T extends { id: string }>(items: T[], map: Map<string, DiffStatus>) =>
    items.filter((x) => map.get(x.id) === 'removed')
  const union: Workflow = {
    ...after,
    groups: [...after.groups, ...removed(before.groups, status.groups)],
    nodes: [...after.nodes, ...removed(before.nodes, status.nodes)],
    edges: [...after.edges, ...removed(before.edges, status.edges)],
  }
  const edgeLabelBefore = new Map<string, string>()
  for (const e of diff.edges) {
    if (e.changes.some((c) => c.field === 'label' || c.field === 'condition'))
      edgeLabelBefore.set(e.id, e.before?.label ?? '')
  }
  return { diff, union, ...status, edgeLabelBefore }
}

export interface DiffCounts {
  added: number
  removed: number
  changed: number
}

/** Nodes, edges and groups by status, for the summary chips. */
export function countChanges(diff: WorkflowDiff): DiffCounts {
  const counts: DiffCounts = { added: 0, removed: 0, changed: 0 }
  for (const item of [...diff.nodes, ...diff.edges, ...diff.groups]) counts[item.status]++
  return counts
}
