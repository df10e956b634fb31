import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  type EdgeTypes,
  MiniMap,
  type NodeTypes,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react'
import { useEffect, useMemo, useRef } from 'react'
import { toFlow } from '../../canvas/adapters'
import { LEGIBLE_ZOOM } from '../../canvas/legible-fit'
import { OpenLegibly } from '../../canvas/open-legibly'
import type { DiffStatus, Workflow } from '../../lib/engine'
import {
  type AuditCanvasNode,
  AuditEdge,
  type AuditFlowEdge,
  AuditGroup,
  AuditNode,
  DIFF_COLOURS,
} from './canvas-parts'

/**
 * The audit area's canvas: pan, zoom and select to inspect — nothing else. It is locked in
 * React Flow itself (no drag, connect, reconnect, delete key) and, being fed from props with
 * no change handlers, has no state an edit could reach even if an interaction slipped by.
 */
export type CanvasSelection = { kind: 'node' | 'edge'; id: string } | null

export interface DiffMarks {
  nodes: ReadonlyMap<string, DiffStatus>
  edges: ReadonlyMap<string, DiffStatus>
  groups: ReadonlyMap<string, DiffStatus>
  edgeLabelBefore: ReadonlyMap<string, string>
}

// Module scope: React Flow re-mounts every node when these objects change identity.
const nodeTypes: NodeTypes = { audit: AuditNode, auditGroup: AuditGroup }
const edgeTypes: EdgeTypes = { audit: AuditEdge }
const proOptions = { hideAttribution: true }
// Opens at a legible zoom, the whole graph when it fits (room for the zoom controls on the left).
const openPadding = { top: 24, right: 24, bottom: 24, left: 48 }
const minimapStyle = { width: 120, height: 80 }

const diffAttr = (diff: DiffStatus | undefined) => ({ 'data-diff': diff ?? 'none' }) as Record<string, string>

/** The model as React Flow nodes and edges of the audit types, marked with their diff status. */
export function toAuditView(graph: Workflow, marks?: DiffMarks, selection?: CanvasSelection) {
  const view = toFlow(withDiffLabels(graph, marks), {
    selectedNodes: new Set(selection?.kind === 'node' ? [selection.id] : []),
    selectedEdges: new Set(selection?.kind === 'edge' ? [selection.id] : []),
  })
  const nodes: AuditCanvasNode[] = view.nodes.map((n) => {
    if (n.type === 'group') {
      const diff = marks?.groups.get(n.id)
      return { ...n, type: 'auditGroup', data: { group: n.data.group, diff }, domAttributes: diffAttr(diff) }
    }
    const diff = marks?.nodes.get(n.id)
    return { ...n, type: 'audit', data: { node: n.data.node, diff }, domAttributes: diffAttr(diff) }
  })
  const original = new Map(graph.edges.map((e) => [e.id, e]))
  const edges: AuditFlowEdge[] = view.edges.map((e) => {
    const diff = marks?.edges.get(e.id)
    return {
      ...e,
      type: 'audit',
      data: { ...e.data!, edge: original.get(e.id)!, diff, labelBefore: marks?.edgeLabelBefore.get(e.id) },
      domAttributes: diffAttr(diff),
      // Changes draw over unchanged edges where they cross.
      zIndex: diff ? 1 : 0,
    }
  })
  return { nodes, edges }
}

/**
 * The graph whose labels are placed: a changed label is drawn as "before → after", so its box
 * is placed at that width (the drawn edge keeps its own model edge).
 */
const sizedFor = new WeakMap<Workflow, { marks?: DiffMarks; sized: Workflow }>()
function withDiffLabels(graph: Workflow, marks?: DiffMarks): Workflow {
  if (!marks || marks.edgeLabelBefore.size === 0) return graph
  const known = sizedFor.get(graph)
  if (known?.marks === marks) return known.sized
  const edges = graph.edges.map((e) => {
    const before = marks.edgeLabelBefore.get(e.id)
    if (before === undefined || marks.edges.get(e.id) !== 'changed' || !(before || e.label)) return e
    return { ...e, label: `${before || '∅'} → ${e.label || '∅'}` }
  })
  const sized = { ...graph, edges }
  sizedFor.set(graph, { marks, sized })
  return sized
}

export function ReadOnlyCanvas({
  graph,
  marks,
  selection,
  onSelect,
  focus,
}: {
  graph: Workflow
  marks?: DiffMarks
  selection: CanvasSelection
  onSelect: (selection: CanvasSelection) => void
  /** Brings an item into view; a new object each request, so asking twice works. */
  focus?: { selection: NonNullable<CanvasSelection> } | null
}) {
  const { nodes, edges } = useMemo(() => toAuditView(graph, marks, selection), [graph, marks, selection])
  const minimapColor = useMemo(
    () => (n: AuditCanvasNode) => {
      if (n.type === 'auditGroup') return 'rgba(148,163,184,0.25)'
      const diff = marks?.nodes.get(n.id)
      return diff ? DIFF_COLOURS[diff].css : '#cbd5e1'
    },
    [marks],
  )
  return (
    <ReactFlow<AuditCanvasNode, AuditFlowEdge>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      edgesReconnectable={false}
      elementsSelectable
      deleteKeyCode={null}
      connectionMode={ConnectionMode.Loose}
      onNodeClick={(_, n) => onSelect(n.type === 'audit' ? { kind: 'node', id: n.id } : null)}
      onEdgeClick={(_, e) => onSelect({ kind: 'edge', id: e.id })}
      onPaneClick={() => onSelect(null)}
      zoomOnDoubleClick={false}
      minZoom={0.1}
      maxZoom={2}
      proOptions={proOptions}
      elevateNodesOnSelect={false}
      // Large graphs render what is in view only; smaller ones whole (they open at a legible zoom).
      onlyRenderVisibleElements={nodes.length > 400}
      aria-label="Read-only workflow canvas"
      data-testid="readonly-canvas"
    >
      <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#cbd5e1" />
      <MiniMap<AuditCanvasNode>
        style={minimapStyle}
        pannable
        zoomable
        nodeColor={minimapColor}
        nodeStrokeWidth={0}
        maskColor="rgba(241,245,249,0.7)"
      />
      <Controls showInteractive={false} />
      {/* Audit is for reading: it opens legible, the minimap and "fit view" show the rest. */}
      <OpenLegibly padding={openPadding} wholeFitMin={LEGIBLE_ZOOM} />
      <FocusOn request={focus} edges={edges} />
    </ReactFlow>
  )
}

/** Pans and zooms to a requested node (or an edge's two ends) — e.g. picked in a change list. */
function FocusOn({
  request,
  edges,
}: {
  request?: { selection: NonNullable<CanvasSelection> } | null
  edges: readonly AuditFlowEdge[]
}) {
  const flow = useReactFlow()
  // Read through a ref: only a new request moves the view, not the edges re-rendering.
  const edgesRef = useRef(edges)
  edgesRef.current = edges
  useEffect(() => {
    if (!request) return
    const { kind, id } = request.selection
    const edge = kind === 'edge' ? edgesRef.current.find((e) => e.id === id) : undefined
    const ids = kind === 'node' ? [id] : edge ? [edge.source, edge.target] : []
    if (ids.length === 0) return
    // Centre it at a readable zoom (or the closer one the user chose); `fitView` would
    // wait for every node to be measured, which never happens off screen.
    const b = flow.getNodesBounds(ids)
    void flow.setCenter(b.x + b.width / 2, b.y + b.height / 2, {
      zoom: Math.max(flow.getZoom(), 1),
      duration: 300,
    })
  }, [request, flow])
  return null
}
