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
  useStore,
} from '@xyflow/react'
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react'
import { addNodeOfType } from '../commands/add-node'
import { useEditor, useEditorStoreApi } from '../store/context'
import type { CanvasNode, FlowEdge as FlowEdgeType } from './adapters'
import { GRID } from './adapters'
import { FlowEdge } from './flow-edge'
import { FlowNode } from './flow-node'
import { useWholeGraphInView } from './graph-in-view'
import { GroupNode } from './group-node'
import { fitLegibly } from './legible-fit'
import { OverviewMap } from './overview-map'

export const PALETTE_MIME = 'application/x-flowline-node-type'

// Module scope: React Flow re-mounts every node when these objects change identity.
const nodeTypes: NodeTypes = { flow: FlowNode, group: GroupNode }
const edgeTypes: EdgeTypes = { flow: FlowEdge }
const snapGrid: [number, number] = [GRID, GRID]
const proOptions = { hideAttribution: true }
/**
 * Fit leaves room for the zoom controls (bottom left) and a little for the run banner; the
 * minimap needs none, as it hides while the whole graph is in view. "Fit view" shows the whole
 * graph, down to 0.4; opening shows it at a legible zoom (legible-fit.ts).
 */
export const FIT_PADDING = { top: 32, right: 24, bottom: 28, left: 44 }
export const FIT_VIEW_OPTIONS = {
  padding: {
    top: `${FIT_PADDING.top}px`,
    right: `${FIT_PADDING.right}px`,
    bottom: `${FIT_PADDING.bottom}px`,
    left: `${FIT_PADDING.left}px`,
  },
  maxZoom: 1,
  minZoom: 0.4,
  // Off-screen nodes are never rendered (onlyRenderVisibleElements), so never measured:
  // fit them by their declared size, or a tall workflow opens cropped.
  includeHiddenNodes: true,
} as const
// Small, and shown only while part of the graph is out of view: a fitted graph has no node under it.
const minimapStyle = { width: 120, height: 80 }

function minimapColor(n: CanvasNode): string {
  if (n.type === 'group') return 'rgba(148,163,184,0.25)'
  return n.data.node.shape === 'diamond' ? '#fcd34d' : n.data.node.shape === 'circle' ? '#a5b4fc' : '#cbd5e1'
}

/** React Flow's minimap, while part of the graph is out of view (graph-in-view.ts). */
function MiniMapWhenNeeded() {
  if (useWholeGraphInView()) return null
  return (
    <MiniMap<CanvasNode>
      style={minimapStyle}
      pannable
      zoomable
      nodeColor={minimapColor}
      nodeStrokeWidth={0}
      maskColor="rgba(241,245,249,0.7)"
    />
  )
}

// Past this many nodes the light overview replaces React Flow's minimap, whose per-node
// subscriptions would run on every drag frame.
const MINIMAP_DETAIL_LIMIT = 400

/**
 * While the view is the fitted one (nobody has panned or zoomed by hand), it stays fitted when
 * the canvas changes size: opening the wider Run panel or a smaller window would otherwise
 * push the right-hand nodes off screen or under the minimap until "fit view".
 */
function KeepFitted({ fitted }: { fitted: RefObject<boolean> }) {
  const width = useStore((s) => s.width)
  const height = useStore((s) => s.height)
  const flow = useReactFlow()
  useEffect(() => {
    // The first size is the opening one (when the canvas opens fitted).
    if (width > 0 && height > 0 && fitted.current) fitLegibly(flow, { width, height }, FIT_PADDING)
  }, [width, height, flow, fitted])
  return null
}

export function Canvas({ readOnly = false }: { readOnly?: boolean }) {
  const store = useEditorStoreApi()
  const nodes = useEditor((s) => s.rfNodes)
  const edges = useEditor((s) => s.rfEdges)
  const onNodesChange = useEditor((s) => s.onNodesChange)
  const onEdgesChange = useEditor((s) => s.onEdgesChange)
  const onConnect = useEditor((s) => s.connect)
  const large = nodes.length > MINIMAP_DETAIL_LIMIT
  const flow = useReactFlow()
  // Fit once on open; an empty canvas keeps a 1:1 view so the first drop does not move it.
  const [fitOnOpen] = useState(() => store.getState().graph.nodes.length > 0)
  const fitted = useRef(fitOnOpen)
  // A pan or zoom by hand (it comes with an input event) ends "fitted"; fit view (none) restores it.
  const onMoveEnd = useCallback((event: MouseEvent | TouchEvent | null) => {
    fitted.current = event === null
  }, [])

  const onNodeDragStop = useCallback(
    (_: unknown, _node: CanvasNode, dragged: CanvasNode[]) =>
      store.getState().finishDrag(dragged.map((n) => n.id)),
    [store],
  )
  const onDragOver = useCallback((e: React.DragEvent) => {
    if (!e.dataTransfer.types.includes(PALETTE_MIME)) return
    e.preventDefault()
    e.dataTransfer.dropEffect = 'copy'
  }, [])
  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const type = e.dataTransfer.getData(PALETTE_MIME)
      if (!type) return
      e.preventDefault()
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY })
      addNodeOfType(store, type, at)
    },
    [flow, store],
  )
  const onNodeDoubleClick = useCallback(
    (_: React.MouseEvent, node: CanvasNode) => {
      if (node.type === 'flow' && !readOnly) store.getState().setEditing({ kind: 'node', id: node.id })
    },
    [store, readOnly],
  )
  const onEdgeDoubleClick = useCallback(
    (_: React.MouseEvent, edge: { id: string }) => {
      if (!readOnly) store.getState().setEditing({ kind: 'edge', id: edge.id })
    },
    [store, readOnly],
  )

  return (
    <ReactFlow<CanvasNode, FlowEdgeType>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      onNodeDragStop={onNodeDragStop}
      onNodeDoubleClick={onNodeDoubleClick}
      onEdgeDoubleClick={onEdgeDoubleClick}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onMoveEnd={onMoveEnd}
      connectionMode={ConnectionMode.Loose}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      snapToGrid
      snapGrid={snapGrid}
      // Below the limit every node renders, also those outside the legible opening view.
      onlyRenderVisibleElements={large}
      deleteKeyCode={null}
      zoomOnDoubleClick={false}
      minZoom={0.1}
      maxZoom={2}
      proOptions={proOptions}
      elevateNodesOnSelect={false}
      aria-label="Workflow canvas"
    >
      <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#cbd5e1" />
      {large ? <OverviewMap /> : <MiniMapWhenNeeded />}
      <Controls showInteractive={false} />
      <KeepFitted fitted={fitted} />
    </ReactFlow>
  )
}
