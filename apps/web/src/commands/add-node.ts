import { absolutePositions, containsPoint, GRID, NODE_SIZE, nodeSize, type XY } from '../canvas/adapters'
import type { Workflow, WorkflowNode } from '../lib/engine'
import { specById } from '../lib/specs'
import type { EditorStore } from '../store/editor-store'
import { freshEdgeId, freshGroupIds, freshNodeId } from './ids'

export const GROUP_ITEM = '__group'

const snap = (v: number) => Math.round(v / GRID) * GRID

/** A node of an engine type, centred on `centre`, with the type's default shape and config. */
export function nodeOfType(graph: Workflow, type: string, centre: XY, group: string | null): WorkflowNode {
  const spec = specById.get(type)
  const shape = spec?.shape ?? 'rectangle'
  const size = NODE_SIZE[shape]
  const node: WorkflowNode = {
    id: freshNodeId(graph),
    group,
    shape,
    label: spec?.title ?? type,
    position: { x: snap(centre.x - size.width / 2), y: snap(centre.y - size.height / 2) },
  }
  if (spec) {
    node.type = spec.id
    if (spec.defaultConfig !== undefined) node.config = structuredClone(spec.defaultConfig)
  }
  return node
}

/** Adds a node (or, for the palette's group item, an empty group) where the user dropped or clicked. */
export function addNodeOfType(store: EditorStore, type: string, centre: XY): string {
  const s = store.getState()
  if (type === GROUP_ITEM) {
    const [id] = freshGroupIds(s.graph, 1)
    s.commit(
      { ...s.graph, groups: [...s.graph.groups, { id, title: 'New group' }] },
      { nodes: [id], edges: [] },
    )
    const at = { x: snap(centre.x - 130), y: snap(centre.y - 70) }
    // Empty groups have no geometry in the model: place the box in the view only.
    store.setState((st) => ({ rfNodes: st.rfNodes.map((n) => (n.id === id ? { ...n, position: at } : n)) }))
    return id
  }
  const abs = absolutePositions(s.rfNodes)
  let group: string | null = null
  for (const n of s.rfNodes) {
    if (n.type !== 'group') continue
    const p = abs.get(n.id)!
    if (containsPoint({ ...p, width: n.width ?? 0, height: n.height ?? 0 }, centre)) group = n.id
  }
  const node = nodeOfType(s.graph, type, centre, group)
  s.commit({ ...s.graph, nodes: [...s.graph.nodes, node] }, { nodes: [node.id], edges: [] })
  return node.id
}

/** Room between a step and the one added after it: the edge label sits clear of the "+" button. */
const STEP_GAP = 140

/**
 * A step of `type` after `sourceId`: placed to its right (lower down while that spot is
 * taken), in the same group, connected from its right handle to the new step's left one.
 */
export function stepAfter(
  graph: Workflow,
  positions: ReadonlyMap<string, XY>,
  sourceId: string,
  type: string,
): { graph: Workflow; nodeId: string; edgeId: string } | null {
  const source = graph.nodes.find((n) => n.id === sourceId)
  const at = positions.get(sourceId) ?? source?.position
  if (!source || !at) return null
  const from = nodeSize(source)
  const size = NODE_SIZE[specById.get(type)?.shape ?? 'rectangle']
  const centre = { x: at.x + from.width + STEP_GAP + size.width / 2, y: at.y + from.height / 2 }
  const taken = (c: XY) =>
    graph.nodes.some((n) => {
      const p = positions.get(n.id) ?? n.position
      if (!p) return false
      const s = nodeSize(n)
      return (
        Math.abs(p.x + s.width / 2 - c.x) < (s.width + size.width) / 2 + 16 &&
        Math.abs(p.y + s.height / 2 - c.y) < (s.height + size.height) / 2 + 16
      )
    })
  for (let i = 0; i < 20 && taken(centre); i++) centre.y += size.height + 32
  const node = nodeOfType(graph, type, centre, source.group)
  const edgeId = freshEdgeId(graph, sourceId, node.id)
  const edge = {
    id: edgeId,
    source: sourceId,
    sourceHandle: 'right' as const,
    target: node.id,
    targetHandle: 'left' as const,
  }
  return {
    graph: { ...graph, nodes: [...graph.nodes, node], edges: [...graph.edges, edge] },
    nodeId: node.id,
    edgeId,
  }
}

/** "+" on a step: adds the chosen step after it as one undoable change and selects it. */
export function addStepAfter(store: EditorStore, sourceId: string, type: string): string | null {
  const s = store.getState()
  const result = stepAfter(s.graph, absolutePositions(s.rfNodes), sourceId, type)
  if (!result) return null
  s.commit(result.graph, { nodes: [result.nodeId], edges: [] })
  return result.nodeId
}
