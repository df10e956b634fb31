import type { Issue } from './types'

type ByKey = Record<string, Issue[]>

function sameIssues(a: Issue[] | undefined, b: Issue[]): boolean {
  return (
    !!a &&
    a.length === b.length &&
    a.every((x, i) => x.code === b[i].code && x.message === b[i].message && x.severity === b[i].severity)
  )
}

/**
 * Issues keyed by node and edge. A key whose issues did not change keeps its array, so a
 * node reading `s.issuesByNode[id]` re-renders only when its own issues change.
 */
export function groupIssues(issues: Issue[], prev: { issuesByNode: ByKey; issuesByEdge: ByKey }) {
  const nodes: ByKey = {}
  const edges: ByKey = {}
  for (const issue of issues) {
    if (issue.nodeId) nodes[issue.nodeId] = [...(nodes[issue.nodeId] ?? []), issue]
    if (issue.edgeId) edges[issue.edgeId] = [...(edges[issue.edgeId] ?? []), issue]
  }
  for (const [k, v] of Object.entries(nodes))
    if (sameIssues(prev.issuesByNode[k], v)) nodes[k] = prev.issuesByNode[k]
  for (const [k, v] of Object.entries(edges))
    if (sameIssues(prev.issuesByEdge[k], v)) edges[k] = prev.issuesByEdge[k]
  return { issuesByNode: nodes, issuesByEdge: edges }
}

export function worstSeverity(issues: readonly Issue[] | undefined): Issue['severity'] | null {
  if (!issues || issues.length === 0) return null
  return issues.some((i) => i.severity === 'error') ? 'error' : 'warning'
}
