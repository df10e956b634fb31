import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api'
import type { Side, Workflow, WorkflowEdge, WorkflowNode } from '../lib/engine'
import { GROUP_PADDING, nodeSize, type XY } from './adapters'

/**
 * Auto-layout with elkjs (layered). Handle sides become fixed port sides, so edges leave
 * and enter where the model says. Groups are compound boxes: each group's content is laid
 * out first, then the boxes and ungrouped nodes together — which lets a group read left to
 * right while the groups stack top to bottom, as the seed's handles suggest.
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
  'elk.spacing.edgeNode': '24',
  'elk.layered.spacing.edgeNodeBetweenLayers': '24',
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
  }
}

export async function autoLayout(graph: Workflow): Promise<Workflow> {
  const elk = await loadElk()
  const groupOf = new Map(graph.nodes.map((n) => [n.id, n.group]))

  // 1. Each group's content on its own.
  const inner = new Map<string, { size: { width: number; height: number }; pos: Map<string, XY> }>()
  await Promise.all(
    graph.groups.map(async (g) => {
      const members = graph.nodes.filter((n) => n.group === g.id)
      if (members.length === 0) return
      const edges = graph.edges.filter(
        (e) => groupOf.get(e.source) === g.id && groupOf.get(e.target) === g.id,
      )
      const out = await elk.layout({
        id: g.id,
        layoutOptions: baseOptions(dominantDirection(edges, 'RIGHT')),
        children: members.map(elkNode),
        edges: edges.map(portEdge),
      })
      const pos = new Map<string, XY>()
      for (const c of out.children ?? []) pos.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 })
      inner.set(g.id, { size: { width: out.width ?? 0, height: out.height ?? 0 }, pos })
    }),
  )

  // 2. Group boxes and ungrouped nodes together; edges between different boxes.
  const rootChildren: ElkNode[] = []
  for (const g of graph.groups) {
    const box = inner.get(g.id)
    if (!box) continue
    rootChildren.push({
      id: g.id,
      width: box.size.width + GROUP_PADDING.left + GROUP_PADDING.right,
      height: box.size.height + GROUP_PADDING.top + GROUP_PADDING.bottom,
    })
  }
  for (const n of graph.nodes) if (!n.group) rootChildren.push(elkNode(n))
  const rootEdges: ElkExtendedEdge[] = []
  const crossing: WorkflowEdge[] = []
  const seen = new Set<string>()
  for (const e of graph.edges) {
    const sg = groupOf.get(e.source)
    const tg = groupOf.get(e.target)
    if (sg && sg === tg) continue
    crossing.push(e)
    const source = sg ?? `${e.source}::${e.sourceHandle}`
    const target = tg ?? `${e.target}::${e.targetHandle}`
    const key = `${source}->${target}`
    if (seen.has(key)) continue
    seen.add(key)
    rootEdges.push({ id: `root:${e.id}`, sources: [source], targets: [target] })
  }
  const root = await elk.layout({
    id: 'root',
    layoutOptions: {
      ...baseOptions(dominantDirection(crossing, graph.groups.length > 0 ? 'DOWN' : 'RIGHT')),
      'elk.layered.spacing.nodeNodeBetweenLayers': graph.groups.length > 0 ? '64' : '52',
    },
    children: rootChildren,
    edges: rootEdges,
  })
  const placed = new Map<string, XY>()
  for (const c of root.children ?? []) {
    const at = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) }
    const box = inner.get(c.id)
    if (!box) {
      placed.set(c.id, at)
      continue
    }
    for (const [id, p] of box.pos) {
      placed.set(id, {
        x: Math.round(at.x + GROUP_PADDING.left + p.x),
        y: Math.round(at.y + GROUP_PADDING.top + p.y),
      })
    }
  }
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const position = placed.get(n.id)
      return position ? { ...n, position } : n
    }),
  }
}

export const needsLayout = (graph: Workflow) => graph.nodes.some((n) => !n.position)
