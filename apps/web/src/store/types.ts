import type { Connection, EdgeChange, NodeChange } from '@xyflow/react'
import type { CanvasNode, FlowEdge } from '../canvas/adapters'
import type { TraceEvent, Workflow } from '../lib/engine'
import type { RunTrace } from './trace'

/** A validation finding, from the engine in the browser or from the server on save. */
export interface Issue {
  severity: 'error' | 'warning'
  code: string
  message: string
  nodeId?: string
  edgeId?: string
}

export interface Selection {
  nodes: string[]
  edges: string[]
}

export interface GraphSlice {
  /** The model being edited: the only slice with undo history. */
  graph: Workflow
  /** The React Flow view of `graph` (plus in-flight drag positions and measurements). */
  rfNodes: CanvasNode[]
  rfEdges: FlowEdge[]
  /** The graph `rfNodes`/`rfEdges` were built from; differs right after undo/redo. */
  viewOf: Workflow
  /** Replaces the graph as one undoable step. */
  commit: (graph: Workflow, selection?: Selection) => void
  /** Replaces the graph and forgets history (load, reload). */
  load: (graph: Workflow) => void
  onNodesChange: (changes: NodeChange<CanvasNode>[]) => void
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void
  finishDrag: (draggedIds: string[]) => void
  connect: (connection: Connection) => void
  undo: () => void
  redo: () => void
}

export interface SelectionSlice {
  selection: Selection
  select: (selection: Selection) => void
}

export interface IssuesSlice {
  issues: Issue[]
  issuesByNode: Record<string, Issue[]>
  issuesByEdge: Record<string, Issue[]>
  /** The server's verdict at the last save or load. */
  serverIssues: Issue[] | null
  setIssues: (issues: Issue[]) => void
  setServerIssues: (issues: Issue[] | null) => void
}

export interface DocumentSlice {
  workflowId: string
  /** The version the graph was loaded from or last saved as: sent as `baseVersion`. */
  baseVersion: number
  publishedVersion: number | null
  savedGraph: Workflow
  markSaved: (graph: Workflow, version: number) => void
  setPublished: (version: number | null) => void
}

/** The run shown on the canvas: live while it executes, or a replay of a stored one. */
export interface TraceSlice {
  trace: RunTrace
  /** Shows a fresh, empty trace for `runId`; events of any other run are ignored from now on. */
  startTrace: (runId: string) => void
  applyTrace: (events: readonly TraceEvent[]) => void
  clearTrace: () => void
}

export interface MockDraft {
  nodeId: string
  /** JSON text as typed: parsed only when a run starts, so a half-typed mock is no error yet. */
  text: string
}

/** The run panel's inputs; shared by the panel and the toolbar's Run button, never undone. */
export interface RunSetup {
  /** The library entry the event came from ('' once edited by hand is still fine). */
  sample: string
  eventText: string
  mocks: MockDraft[]
}

export interface RunSetupSlice {
  runSetup: RunSetup
  setRunSetup: (patch: Partial<RunSetup>) => void
}

/** Which label is being edited in place on the canvas. */
export interface UiSlice {
  /** Viewers and archived workflows: the canvas shows, nothing edits. */
  readOnly: boolean
  editing: { kind: 'node' | 'edge' | 'group'; id: string } | null
  setEditing: (editing: UiSlice['editing']) => void
}

export type EditorState = GraphSlice &
  SelectionSlice &
  IssuesSlice &
  DocumentSlice &
  TraceSlice &
  RunSetupSlice &
  UiSlice
