import { nodeSize, type XY } from '../canvas/adapters'
import type { Workflow, WorkflowEdge, WorkflowNode } from '../lib/engine'
import type { Selection } from '../store/types'
import { freshEdgeIdFor, freshGroupIds, freshNodeIds } from './ids'

/** Pure graph edits shared by commands, the canvas and tests. */

export function deleteSelection(graph: Workflow, selection: Selection): Workflow {
  if (selection.nodes.length === 0 && selection.edges.length === 0) return graph
  const groups = new Set(selection.nodes.filter((id) => graph.groups.some((g) => g.id === id)))
  const removedNodes = new Set<string>()
  for (const n of graph.nodes)
    if (selection.nodes.includes(n.id) || (n.group && groups.has(n.group))) removedNodes.add(n.id)
  const removedEdges = new Set(selection.edges)
  const edges = graph.edges.filter(
    (e) => !removedEdges.has(e.id) && !removedNodes.has(e.source) && !removedNodes.has(e.target),
  )
  if (groups.size === 0 && removedNodes.size === 0 && edges.length === graph.edges.length) return graph
  return {
    ...graph,
    groups: graph.groups.filter((g) => !groups.has(g.id)),
    nodes: graph.nodes.filter((n) => !removedNodes.has(n.id)),
    edges,
  }
}

export function selectAll(graph: Workflow): Selection {
  return {
    nodes: [...graph.groups.map((g) => g.id), ...graph.nodes.map((n) => n.id)],
    edges: graph.edges.map((e) => e.id),
  }
}

/**
 * The part of a workflow a selection covers: selected nodes (a selected group brings its
 * children), the edges between them, and only the groups that were selected themselves.
 */
export function extractSubgraph(graph: Workflow, selection: Selection): Workflow {
  const groupIds = new Set(selection.nodes.filter((id) => graph.groups.some((g) => g.id === id)))
  const picked = new Set(selection.nodes)
  const nodes = graph.nodes
    .filter((n) => picked.has(n.id) || (n.group && groupIds.has(n.group)))
    .map((n) => (n.group && !groupIds.has(n.group) ? { ...n, group: null } : n))
  const ids = new Set(nodes.map((n) => n.id))
  return {
    title: graph.title,
    description: '',
    groups: graph.groups.filter((g) => groupIds.has(g.id)),
    nodes,
    edges: graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  }
}

export interface PasteResult {
  graph: Workflow
  selection: Selection
}

/**
 * Inserts a copied subgraph with fresh ids. Positions are shifted by `offset`; a clip
 * without positions (typed as text) is laid out in a row starting at `at`.
 */
export function pasteSubgraph(
  graph: Workflow,
  clip: Workflow,
  opts: { offset?: XY; at?: XY; groupAt?: (centre: XY) => string | null } = {},
): PasteResult {
  const offset = opts.offset ?? { x: 40, y: 40 }
  const nodeIds = freshNodeIds(graph, clip.nodes.length)
  const groupIds = freshGroupIds(graph, clip.groups.length)
  const takenEdges = new Set(graph.edges.map((e) => e.id))
  const nodeMap = new Map(clip.nodes.map((n, i) => [n.id, nodeIds[i]]))
  const groupMap = new Map(clip.groups.map((g, i) => [g.id, groupIds[i]]))

  const at = opts.at ?? { x: 0, y: 0 }
  let cursor = at.x
  const nodes: WorkflowNode[] = clip.nodes.map((n) => {
    let position: XY
    if (n.position) position = { x: n.position.x + offset.x, y: n.position.y + offset.y }
    else {
      position = { x: cursor, y: at.y }
      cursor += nodeSize(n).width + 48
    }
    const size = nodeSize(n)
    // A pasted node that lands inside an existing group joins it, as if dropped there.
    const group = n.group
      ? (groupMap.get(n.group) ?? null)
      : (opts.groupAt?.({ x: position.x + size.width / 2, y: position.y + size.height / 2 }) ?? null)
    const copy: WorkflowNode = { ...n, id: nodeMap.get(n.id)!, group, position }
    if (n.config !== undefined) copy.config = structuredClone(n.config)
    return copy
  })
  const edges: WorkflowEdge[] = []
  for (const e of clip.edges) {
    const source = nodeMap.get(e.source)
    const target = nodeMap.get(e.target)
    if (source && target) edges.push({ ...e, id: freshEdgeIdFor(source, target, takenEdges), source, target })
  }
  const groups = clip.groups.map((g) => ({ ...g, id: groupMap.get(g.id)! }))
  return {
    graph: {
      ...graph,
      groups: [...graph.groups, ...groups],
      nodes: [...graph.nodes, ...nodes],
      edges: [...graph.edges, ...edges],
    },
    selection: {
      nodes: [...groups.map((g) => g.id), ...nodes.map((n) => n.id)],
      edges: edges.map((e) => e.id),
    },
  }
}

export function updateNode(graph: Workflow, id: string, patch: Partial<WorkflowNode>): Workflow {
  let changed = false
  const nodes = graph.nodes.map((n) => {
    if (n.id !== id) return n
    changed = true
    const next = { ...n, ...patch }
    for (const k of Object.keys(next) as (keyof WorkflowNode)[]) if (next[k] === undefined) delete next[k]
    return next
  })
  return changed ? { ...graph, nodes } : graph
}

export function updateEdge(graph: Workflow, id: string, patch: Partial<WorkflowEdge>): Workflow {
  const edges = graph.edges.map((e) => {
    if (e.id !== id) return e
    const next = { ...e, ...patch }
    if (next.label === undefined || next.label === '') delete next.label
    return next
  })
  return { ...graph, edges }
}

export function updateGroupTitle(graph: Workflow, id: string, title: string): Workflow {
  return { ...graph, groups: graph.groups.map((g) => (g.id === id ? { ...g, title } : g)) }
}

/** Wraps the selected ungrouped nodes in a new group. */
export function groupSelection(
  graph: Workflow,
  selection: Selection,
  title = 'New group',
): PasteResult | null {
  const picked = new Set(selection.nodes)
  const members = graph.nodes.filter((n) => picked.has(n.id))
  if (members.length === 0) return null
  const [id] = freshGroupIds(graph, 1)
  return {
    graph: {
      ...graph,
      groups: [...graph.groups, { id, title }],
      nodes: graph.nodes.map((n) => (picked.has(n.id) ? { ...n, group: id } : n)),
    },
    selection: { nodes: [id], edges: [] },
  }
}
