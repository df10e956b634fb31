import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api'
import type { Side, Workflow, WorkflowEdge, WorkflowNode } from '../lib/engine'
import type { XY } from './adapters'
import { labelSize } from './label-size'
import { GROUP_PADDING, groupMinWidth, nodeSize } from './sizes'

/**
 * Auto-layout with elkjs (layered). Handle sides become fixed port sides, so edges leave
 * and enter where the model says. Groups are compound boxes. Edge labels are given to elk
 * at the size the canvas draws them, so it leaves room for them between the layers. Only
 * positions are kept: edge-routes.ts routes every view from positions alone. Runs in a Web
 * Worker in the app (layout-client.ts): elk is 1.4 MB and takes a few hundred ms.
 */
type Elk = { layout: (graph: ElkNode) => Promise<ElkNode> }
let elkPromise: Promise<Elk> | null = null

function loadElk(): Promise<Elk> {
  elkPromise ??= import('elkjs/lib/elk.bundled.js').then((m) => {
    const ELK = (m as unknown as { default: new () => Elk }).default
    return new ELK()
  })
  return elkPromise
}

const PORT_SIDE: Record<Side, string> = { top: 'NORTH', right: 'EAST', bottom: 'SOUTH', left: 'WEST' }

type Direction = 'RIGHT' | 'DOWN'

/** The direction most edges point, judged by their handle sides. */
export function dominantDirection(edges: readonly WorkflowEdge[], fallback: Direction): Direction {
  let horizontal = 0
  let vertical = 0
  for (const e of edges) {
    if (e.sourceHandle === 'right' || e.targetHandle === 'left') horizontal++
    if (e.sourceHandle === 'bottom' || e.targetHandle === 'top') vertical++
  }
  if (horizontal === vertical) return fallback
  return horizontal > vertical ? 'RIGHT' : 'DOWN'
}

const baseOptions = (direction: Direction): Record<string, string> => ({
  'elk.algorithm': 'layered',
  'elk.direction': direction,
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '52',
  'elk.spacing.nodeNode': '32',
  'elk.spacing.edgeNode': '16',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'false',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
})

function elkNode(node: WorkflowNode): ElkNode {
  const size = nodeSize(node)
  return {
    id: node.id,
    ...size,
    layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' },
    ports: (['top', 'right', 'bottom', 'left'] as const).map((side) => ({
      id: `${node.id}::${side}`,
      width: 1,
      height: 1,
      layoutOptions: { 'elk.port.side': PORT_SIDE[side] },
    })),
  }
}

function portEdge(e: WorkflowEdge): ElkExtendedEdge {
  return {
    id: e.id,
    sources: [`${e.source}::${e.sourceHandle}`],
    targets: [`${e.target}::${e.targetHandle}`],
    labels: edgeLabels(e),
  }
}

/** The label as the canvas sizes it (conditions in mono, the wider of the two). */
const edgeLabels = (e: WorkflowEdge) =>
  e.label ? [{ id: `${e.id}::label`, text: e.label, ...labelSize(e.label, true) }] : undefined

export async function elkLayout(graph: Workflow): Promise<Workflow> {
  const elk = await loadElk()
  const boxes = new Map<
    string,
    ElkNode & { title: string; children: ElkNode[]; ports: ElkPort[]; edges: ElkExtendedEdge[] }
  >()
  for (const g of graph.groups) {
    const members = graph.nodes.filter((n) => n.group === g.id)
    if (members.length === 0) continue
    boxes.set(g.id, {
      id: g.id,
      title: g.title || g.id,
      children: members.map(elkNode),
      ports: [],
      edges: [],
    })
  }
  const groupOf = new Map(graph.nodes.map((n) => [n.id, n.group]))
  const boxOf = (id: string) => boxes.get(groupOf.get(id) ?? '')
  const innerEdges = new Map<ElkNode, WorkflowEdge[]>()

  // An edge between two boxes (or a box and a loose node) is laid out in pieces joined by a
  // port on each box's border, on the side of the handle it leaves or enters by, so elk
  // places each box's content knowing where its edges go in and out.
  const rootEdges: ElkExtendedEdge[] = []
  const crossing: WorkflowEdge[] = []
  const ids = new Set<string>()
  for (const e of graph.edges) {
    const from = `${e.source}::${e.sourceHandle}`
    const to = `${e.target}::${e.targetHandle}`
    const sb = boxOf(e.source)
    const tb = boxOf(e.target)
    if (sb && sb === tb) {
      sb.edges.push(portEdge(e))
      innerEdges.get(sb)?.push(e) ?? innerEdges.set(sb, [e])
      continue
    }
    crossing.push(e)
    // Edges into the same handle share their way there: one port per box and one line
    // between boxes, as a bus, rather than parallel lines into one point.
    let source = from
    let target = to
    if (sb) {
      source = `${sb.id}::out::${to}`
      if (!ids.has(source)) sb.ports.push(borderPort(source, e.sourceHandle))
      sb.edges.push({ id: `${e.id}::out`, sources: [from], targets: [source], labels: edgeLabels(e) })
    }
    if (tb) {
      target = `${tb.id}::in::${to}`
      if (!ids.has(target)) {
        tb.ports.push(borderPort(target, e.targetHandle))
        tb.edges.push({ id: target, sources: [target], targets: [to] })
      }
    }
    const between = `${source}=>${target}`
    if (!ids.has(between))
      rootEdges.push({
        id: between,
        sources: [source],
        targets: [target],
        labels: sb ? undefined : edgeLabels(e),
      })
    for (const id of [source, target, between]) ids.add(id)
  }

  const children: ElkNode[] = []
  for (const box of boxes.values()) {
    box.layoutOptions = {
      ...baseOptions(dominantDirection(innerEdges.get(box) ?? [], 'RIGHT')),
      'elk.padding': `[top=${GROUP_PADDING.top},left=${GROUP_PADDING.left},bottom=${GROUP_PADDING.bottom},right=${GROUP_PADDING.right}]`,
      'elk.portConstraints': 'FIXED_SIDE',
      // As wide as its title at least (groupRects draws it so).
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${groupMinWidth(box.title)},0)`,
    }
    children.push(box)
  }
  for (const n of graph.nodes) if (!boxOf(n.id)) children.push(elkNode(n))
  // Each box's content is laid out first (elk's default, SEPARATE_CHILDREN), then the boxes
  // and loose nodes together — so a group reads left to right while the groups stack top to
  // bottom, as the seed's handles suggest.
  const root = await elk.layout({
    id: 'root',
    layoutOptions: {
      ...baseOptions(dominantDirection(crossing, graph.groups.length > 0 ? 'DOWN' : 'RIGHT')),
      'elk.layered.spacing.nodeNodeBetweenLayers': graph.groups.length > 0 ? '40' : '52',
      // Boxes centred on each other: straightening the edges between them would stair-step them.
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
    },
    children,
    edges: rootEdges,
  })

  const placed = new Map<string, XY>()
  for (const c of root.children ?? []) {
    const at = { x: c.x ?? 0, y: c.y ?? 0 }
    const box = boxes.get(c.id)
    if (!box) {
      placed.set(c.id, { x: Math.round(at.x), y: Math.round(at.y) })
      continue
    }
    for (const n of c.children ?? [])
      placed.set(n.id, { x: Math.round(at.x + (n.x ?? 0)), y: Math.round(at.y + (n.y ?? 0)) })
  }
  const nodes = graph.nodes.map((n) => {
    const position = placed.get(n.id)
    return position ? { ...n, position } : n
  })
  return { ...graph, nodes }
}

function borderPort(id: string, side: Side): ElkPort {
  return { id, width: 1, height: 1, layoutOptions: { 'elk.port.side': PORT_SIDE[side] } }
}
