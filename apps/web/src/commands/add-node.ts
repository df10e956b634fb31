import { absolutePositions, containsPoint, GRID, NODE_SIZE, type XY } from '../canvas/adapters'
import type { Workflow, WorkflowNode } from '../lib/engine'
import { specById } from '../lib/specs'
import type { EditorStore } from '../store/editor-store'
import { freshGroupIds, freshNodeId } from './ids'

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
