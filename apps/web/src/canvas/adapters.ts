import { type Edge, MarkerType, type Node, Position } from '@xyflow/react'
import type { Group, Side, Workflow, WorkflowEdge, WorkflowNode } from '../lib/engine'
import { takesOneBranch } from '../lib/specs'
import { type EdgeGeometry, edgeGeometry, sameGeometry } from './edge-routes'
import { EMPTY_GROUP_SIZE, GROUP_PADDING, groupMinWidth, NODE_SIZE, nodeSize } from './sizes'

/**
 * The one place where the model (DESIGN §2) meets React Flow. Model positions are absolute
 * canvas coordinates of a node's top-left corner; groups carry no geometry in the model, so
 * a group is drawn as the box around its children and children are positioned relative to it.
 */
export type Shape = WorkflowNode['shape']
export type FlowNodeData = { node: WorkflowNode }
export type GroupNodeData = { group: Group; empty: boolean }
export type FlowNode = Node<FlowNodeData, 'flow'>
export type GroupNode = Node<GroupNodeData, 'group'>
export type CanvasNode = FlowNode | GroupNode
/** `decision`: the source takes one branch (`routing: 'one'`), so the label names a branch. */
export type FlowEdgeData = { edge: WorkflowEdge; decision: boolean; route?: EdgeGeometry }
export type FlowEdge = Edge<FlowEdgeData, 'flow'>

export const SIDES: readonly Side[] = ['top', 'right', 'bottom', 'left']

export { EMPTY_GROUP_SIZE, GRID, GROUP_PADDING, NODE_SIZE, nodeSize } from './sizes'

export interface XY {
  x: number
  y: number
}
export interface Rect extends XY {
  width: number
  height: number
}

/** Rendered handle size (9px + 1.5px border each side, see index.css). */
const HANDLE = 12

/**
 * Where each shape's four handles sit, given up front: React Flow otherwise renders every
 * node once just to measure its handles, which for 1,000 nodes costs over a second.
 */
const HANDLES: Record<Shape, NonNullable<Node['handles']>> = Object.fromEntries(
  (Object.keys(NODE_SIZE) as Shape[]).map((shape) => {
    const { width: w, height: h } = NODE_SIZE[shape]
    const at = {
      top: { x: w / 2 - HANDLE / 2, y: -HANDLE / 2, position: Position.Top },
      right: { x: w - HANDLE / 2, y: h / 2 - HANDLE / 2, position: Position.Right },
      bottom: { x: w / 2 - HANDLE / 2, y: h - HANDLE / 2, position: Position.Bottom },
      left: { x: -HANDLE / 2, y: h / 2 - HANDLE / 2, position: Position.Left },
    }
    return [
      shape,
      SIDES.map((side) => ({
        id: side,
        type: 'source' as const,
        width: HANDLE,
        height: HANDLE,
        ...at[side],
      })),
    ]
  }),
) as Record<Shape, NonNullable<Node['handles']>>

/** Where React Flow attaches an edge to a node's handle (its outer edge), for a node at `at`. */
export function handlePoint(node: Pick<WorkflowNode, 'shape'>, side: Side, at: XY): XY {
  const { width: w, height: h } = nodeSize(node)
  const offset = {
    top: [w / 2, -HANDLE / 2],
    right: [w + HANDLE / 2, h / 2],
    bottom: [w / 2, h + HANDLE / 2],
    left: [-HANDLE / 2, h / 2],
  }[side]
  return { x: at.x + offset[0], y: at.y + offset[1] }
}

/** Where a node without a stored position goes (auto-layout normally runs first). */
function fallbackPosition(index: number): XY {
  return { x: (index % 8) * 220, y: Math.floor(index / 8) * 140 }
}

export function positionOf(node: WorkflowNode, index: number): XY {
  return node.position ?? fallbackPosition(index)
}

/** Each group's box: its children's bounding box plus padding (room for the title on top). */
export function groupRects(
  graph: Workflow,
  emptyAt?: (groupId: string) => XY | undefined,
): Map<string, Rect> {
  const bounds = new Map<string, { x1: number; y1: number; x2: number; y2: number }>()
  graph.nodes.forEach((n, i) => {
    if (!n.group) return
    const p = positionOf(n, i)
    const s = nodeSize(n)
    const b = bounds.get(n.group)
    if (!b) bounds.set(n.group, { x1: p.x, y1: p.y, x2: p.x + s.width, y2: p.y + s.height })
    else {
      b.x1 = Math.min(b.x1, p.x)
      b.y1 = Math.min(b.y1, p.y)
      b.x2 = Math.max(b.x2, p.x + s.width)
      b.y2 = Math.max(b.y2, p.y + s.height)
    }
  })
  let spareY = 0
  for (const b of bounds.values()) spareY = Math.max(spareY, b.y2)
  graph.nodes.forEach((n, i) => {
    if (!n.group) spareY = Math.max(spareY, positionOf(n, i).y + nodeSize(n).height)
  })
  const rects = new Map<string, Rect>()
  for (const g of graph.groups) {
    const b = bounds.get(g.id)
    if (b) {
      rects.set(g.id, {
        x: b.x1 - GROUP_PADDING.left,
        y: b.y1 - GROUP_PADDING.top,
        width: Math.max(
          b.x2 - b.x1 + GROUP_PADDING.left + GROUP_PADDING.right,
          groupMinWidth(g.title || g.id),
        ),
        height: b.y2 - b.y1 + GROUP_PADDING.top + GROUP_PADDING.bottom,
      })
    } else {
      // An empty group keeps where it was drawn; otherwise it waits below the graph.
      const at = emptyAt?.(g.id) ?? { x: 0, y: spareY + 80 }
      if (!emptyAt?.(g.id)) spareY += EMPTY_GROUP_SIZE.height + 40
      rects.set(g.id, { ...at, ...EMPTY_GROUP_SIZE })
    }
  }
  return rects
}

export interface FlowView {
  nodes: CanvasNode[]
  edges: FlowEdge[]
}

export interface ToFlowOptions {
  selectedNodes?: ReadonlySet<string>
  selectedEdges?: ReadonlySet<string>
  /** The previous view: unchanged nodes and edges keep their object identity (cheap re-render). */
  prev?: FlowView
}

const samePoint = (a: XY, b: XY) => a.x === b.x && a.y === b.y

/** React Flow's measurement of a node, kept while its size is unchanged (it wins over width/height). */
function keepMeasured(prev: CanvasNode | undefined, width: number, height: number) {
  const m = prev?.measured
  return m && m.width === width && m.height === height ? { measured: m } : {}
}

export function toFlow(graph: Workflow, opts: ToFlowOptions = {}): FlowView {
  const prevNodes = new Map<string, CanvasNode>()
  for (const n of opts.prev?.nodes ?? []) prevNodes.set(n.id, n)
  const prevEdges = new Map<string, FlowEdge>()
  for (const e of opts.prev?.edges ?? []) prevEdges.set(e.id, e)
  const selN = opts.selectedNodes
  const selE = opts.selectedEdges

  const rects = groupRects(graph, (id) => {
    const p = prevNodes.get(id)
    return p?.type === 'group' ? p.position : undefined
  })
  const childCount = new Map<string, number>()
  for (const n of graph.nodes) if (n.group) childCount.set(n.group, (childCount.get(n.group) ?? 0) + 1)

  const nodes: CanvasNode[] = []
  // React Flow needs parents before their children.
  for (const group of graph.groups) {
    const r = rects.get(group.id)!
    const selected = selN?.has(group.id) ?? false
    const empty = !childCount.get(group.id)
    const prev = prevNodes.get(group.id)
    if (
      prev?.type === 'group' &&
      prev.data.group === group &&
      prev.data.empty === empty &&
      samePoint(prev.position, r) &&
      prev.width === r.width &&
      prev.height === r.height &&
      !!prev.selected === selected
    ) {
      nodes.push(prev)
      continue
    }
    nodes.push({
      id: group.id,
      type: 'group',
      position: { x: r.x, y: r.y },
      width: r.width,
      height: r.height,
      data: { group, empty },
      selected,
      zIndex: -1,
      handles: [],
      ...keepMeasured(prev, r.width, r.height),
    })
  }
  graph.nodes.forEach((node, i) => {
    const abs = positionOf(node, i)
    const parent = node.group ? rects.get(node.group) : undefined
    const position = parent ? { x: abs.x - parent.x, y: abs.y - parent.y } : abs
    const parentId = parent ? node.group! : undefined
    const selected = selN?.has(node.id) ?? false
    const prev = prevNodes.get(node.id)
    if (
      prev?.type === 'flow' &&
      prev.data.node === node &&
      prev.parentId === parentId &&
      samePoint(prev.position, position) &&
      !!prev.selected === selected
    ) {
      nodes.push(prev)
      return
    }
    const size = nodeSize(node)
    nodes.push({
      id: node.id,
      type: 'flow',
      position,
      ...(parentId ? { parentId } : {}),
      width: size.width,
      height: size.height,
      handles: HANDLES[node.shape],
      data: { node },
      selected,
      ...keepMeasured(prev, size.width, size.height),
    })
  })

  const decisions = new Set(graph.nodes.filter(takesOneBranch).map((n) => n.id))
  const geometry = edgeGeometry(graph)
  const edges: FlowEdge[] = graph.edges.map((edge) => {
    const selected = selE?.has(edge.id) ?? false
    const decision = decisions.has(edge.source)
    const prev = prevEdges.get(edge.id)
    // An unchanged route keeps its object, so the edge does not re-render.
    const fresh = geometry.get(edge.id)
    const route = prev?.data?.route && fresh && sameGeometry(prev.data.route, fresh) ? prev.data.route : fresh
    if (
      prev &&
      prev.data?.edge === edge &&
      prev.data.decision === decision &&
      prev.data.route === route &&
      !!prev.selected === selected
    )
      return prev
    return {
      id: edge.id,
      type: 'flow',
      source: edge.source,
      sourceHandle: edge.sourceHandle,
      target: edge.target,
      targetHandle: edge.targetHandle,
      data: route ? { edge, decision, route } : { edge, decision },
      selected,
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    }
  })
  return { nodes, edges }
}

/** Absolute positions of every canvas node (group-relative positions resolved). */
export function absolutePositions(nodes: readonly CanvasNode[]): Map<string, XY> {
  const byId = new Map<string, CanvasNode>()
  for (const n of nodes) byId.set(n.id, n)
  const out = new Map<string, XY>()
  const resolve = (n: CanvasNode): XY => {
    const known = out.get(n.id)
    if (known) return known
    const parent = n.parentId ? byId.get(n.parentId) : undefined
    const base = parent ? resolve(parent) : { x: 0, y: 0 }
    const p = { x: base.x + n.position.x, y: base.y + n.position.y }
    out.set(n.id, p)
    return p
  }
  for (const n of nodes) resolve(n)
  return out
}

const round = (p: XY): XY => ({ x: Math.round(p.x), y: Math.round(p.y) })

/** The model a React Flow view shows (the inverse of `toFlow`). */
export function fromFlow(
  nodes: readonly CanvasNode[],
  edges: readonly FlowEdge[],
  base: Pick<Workflow, 'title' | 'description' | 'tests'>,
): Workflow {
  const abs = absolutePositions(nodes)
  const groups: Group[] = []
  const modelNodes: WorkflowNode[] = []
  for (const n of nodes) {
    if (n.type === 'group') groups.push(n.data.group)
    else {
      const position = round(abs.get(n.id)!)
      const node = n.data.node
      modelNodes.push(
        node.position && samePoint(node.position, position) && (node.group ?? undefined) === n.parentId
          ? node
          : { ...node, group: n.parentId ?? null, position },
      )
    }
  }
  const modelEdges = edges.map((e) => e.data!.edge)
  const out: Workflow = {
    title: base.title,
    description: base.description,
    groups,
    nodes: modelNodes,
    edges: modelEdges,
  }
  if (base.tests) out.tests = base.tests
  return out
}

export function containsPoint(r: Rect, p: XY): boolean {
  return p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height
}

/**
 * Applies the end of a drag to the model: new absolute positions for every node whose
 * place changed, and group membership for dragged nodes by where their centre landed.
 */
export function applyDrag(
  graph: Workflow,
  view: readonly CanvasNode[],
  dragged: ReadonlySet<string>,
): Workflow {
  const abs = absolutePositions(view)
  const rects: { id: string; rect: Rect }[] = []
  for (const n of view) {
    if (n.type !== 'group') continue
    rects.push({ id: n.id, rect: { ...abs.get(n.id)!, width: n.width ?? 0, height: n.height ?? 0 } })
  }
  let changed = false
  const nodes = graph.nodes.map((node) => {
    const p = abs.get(node.id)
    if (!p) return node
    const position = round(p)
    let group = node.group
    if (dragged.has(node.id) && !(node.group && dragged.has(node.group))) {
      const size = nodeSize(node)
      const centre = { x: position.x + size.width / 2, y: position.y + size.height / 2 }
      // Prefer the node's own group when it is still inside it (groups may touch).
      const own = rects.find((r) => r.id === node.group)
      group =
        own && containsPoint(own.rect, centre)
          ? own.id
          : (rects.find((r) => containsPoint(r.rect, centre))?.id ?? null)
    }
    if (node.position && samePoint(node.position, position) && group === node.group) return node
    changed = true
    return { ...node, position, group }
  })
  return changed ? { ...graph, nodes } : graph
}
