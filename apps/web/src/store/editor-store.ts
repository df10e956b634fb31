import { applyEdgeChanges, applyNodeChanges } from '@xyflow/react'
import { type TemporalState, temporal } from 'zundo'
import { createStore, type StoreApi } from 'zustand'
import { applyDrag, SIDES, toFlow } from '../canvas/adapters'
import { freshEdgeId } from '../commands/ids'
import type { Side, Workflow } from '../lib/engine'
import { groupIssues } from './issues'
import { defaultRunSetup } from './run-setup'
import { applyTraceEvents, EMPTY_TRACE, newTrace } from './trace'
import type { EditorState, RunSetup, Selection } from './types'

export interface EditorInit {
  workflowId: string
  graph: Workflow
  version: number
  publishedVersion?: number | null
  readOnly?: boolean
  runSetup?: RunSetup
}

const EMPTY_SELECTION: Selection = { nodes: [], edges: [] }

function view(graph: Workflow, selection: Selection, prev?: Pick<EditorState, 'rfNodes' | 'rfEdges'>) {
  const v = toFlow(graph, {
    selectedNodes: new Set(selection.nodes),
    selectedEdges: new Set(selection.edges),
    prev: prev ? { nodes: prev.rfNodes, edges: prev.rfEdges } : undefined,
  })
  return { rfNodes: v.nodes, rfEdges: v.edges, viewOf: graph }
}

/** Keeps only selected ids that still exist in the graph. */
function pruneSelection(graph: Workflow, sel: Selection): Selection {
  if (sel.nodes.length === 0 && sel.edges.length === 0) return sel
  const ids = new Set<string>([...graph.groups.map((g) => g.id), ...graph.nodes.map((n) => n.id)])
  const edgeIds = new Set(graph.edges.map((e) => e.id))
  const nodes = sel.nodes.filter((id) => ids.has(id))
  const edges = sel.edges.filter((id) => edgeIds.has(id))
  return nodes.length === sel.nodes.length && edges.length === sel.edges.length ? sel : { nodes, edges }
}

type History = StoreApi<TemporalState<{ graph: Workflow }>>
// Inside the initializer zundo types `temporal` as unknown; it exists by the time actions run.
const temporalOf = (api: unknown) => (api as { temporal: History }).temporal

const sameIds = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i])

export function createEditorStore(init: EditorInit) {
  const store = createStore<EditorState>()(
    temporal(
      (set, get, api) => ({
        graph: init.graph,
        ...view(init.graph, EMPTY_SELECTION),

        commit: (graph, selection) => {
          const s = get()
          if (graph === s.graph && !selection) return
          const sel = pruneSelection(graph, selection ?? s.selection)
          set({ graph, selection: sel, ...view(graph, sel, s) })
        },
        load: (graph) => {
          const t = temporalOf(api).getState()
          t.pause()
          set({ graph, selection: EMPTY_SELECTION, ...view(graph, EMPTY_SELECTION) })
          t.resume()
          t.clear()
        },
        onNodesChange: (changes) => {
          // Deleting goes through the delete command (one undo step, edges included).
          const viewChanges = changes.filter((c) => c.type !== 'remove')
          if (viewChanges.length === 0) return
          const s = get()
          const rfNodes = applyNodeChanges(viewChanges, s.rfNodes)
          if (!viewChanges.some((c) => c.type === 'select')) {
            set({ rfNodes })
            return
          }
          const nodes = rfNodes.filter((n) => n.selected).map((n) => n.id)
          set({
            rfNodes,
            selection: sameIds(nodes, s.selection.nodes) ? s.selection : { ...s.selection, nodes },
          })
        },
        onEdgesChange: (changes) => {
          const viewChanges = changes.filter((c) => c.type !== 'remove')
          if (viewChanges.length === 0) return
          const s = get()
          const rfEdges = applyEdgeChanges(viewChanges, s.rfEdges)
          const edges = rfEdges.filter((e) => e.selected).map((e) => e.id)
          set({
            rfEdges,
            selection: sameIds(edges, s.selection.edges) ? s.selection : { ...s.selection, edges },
          })
        },
        finishDrag: (draggedIds) => {
          const s = get()
          const graph = applyDrag(s.graph, s.rfNodes, new Set(draggedIds))
          if (graph !== s.graph) s.commit(graph)
        },
        connect: (c) => {
          const s = get()
          const isSide = (h: string | null): h is Side => SIDES.includes(h as Side)
          if (!c.source || !c.target || !isSide(c.sourceHandle) || !isSide(c.targetHandle)) return
          if (c.source === c.target && c.sourceHandle === c.targetHandle) return
          const isGroup = (id: string) => s.graph.groups.some((g) => g.id === id)
          if (isGroup(c.source) || isGroup(c.target)) return
          const duplicate = s.graph.edges.some(
            (e) =>
              e.source === c.source &&
              e.target === c.target &&
              e.sourceHandle === c.sourceHandle &&
              e.targetHandle === c.targetHandle,
          )
          if (duplicate) return
          const edge = {
            id: freshEdgeId(s.graph, c.source, c.target),
            source: c.source,
            sourceHandle: c.sourceHandle,
            target: c.target,
            targetHandle: c.targetHandle,
          }
          s.commit({ ...s.graph, edges: [...s.graph.edges, edge] }, { nodes: [], edges: [edge.id] })
        },
        undo: () => temporalOf(api).getState().undo(),
        redo: () => temporalOf(api).getState().redo(),

        selection: EMPTY_SELECTION,
        select: (selection) => {
          const s = get()
          const sel = pruneSelection(s.graph, selection)
          set({ selection: sel, ...view(s.graph, sel, s) })
        },

        issues: [],
        issuesByNode: {},
        issuesByEdge: {},
        serverIssues: null,
        setIssues: (issues) => set({ issues, ...groupIssues(issues, get()) }),
        setServerIssues: (serverIssues) => set({ serverIssues }),

        workflowId: init.workflowId,
        baseVersion: init.version,
        publishedVersion: init.publishedVersion ?? null,
        savedGraph: init.graph,
        markSaved: (graph, version) => set({ savedGraph: graph, baseVersion: version }),
        setPublished: (publishedVersion) => set({ publishedVersion }),

        trace: EMPTY_TRACE,
        startTrace: (runId) => set({ trace: newTrace(runId) }),
        applyTrace: (events) => {
          const s = get()
          if (events.length > 0) set({ trace: applyTraceEvents(s.trace, events) })
        },
        clearTrace: () => set({ trace: EMPTY_TRACE }),

        runSetup: init.runSetup ?? defaultRunSetup(),
        setRunSetup: (patch) => set({ runSetup: { ...get().runSetup, ...patch } }),

        readOnly: init.readOnly ?? false,
        editing: null,
        setEditing: (editing) => set({ editing: get().readOnly ? null : editing }),
      }),
      {
        partialize: (s) => ({ graph: s.graph }),
        equality: (a, b) => a.graph === b.graph,
        limit: 200,
      },
    ),
  )

  // Undo/redo only swap `graph`: rebuild the canvas view from it.
  store.subscribe((s) => {
    if (s.viewOf === s.graph) return
    const sel = pruneSelection(s.graph, s.selection)
    store.setState({ selection: sel, ...view(s.graph, sel, s) })
  })
  return store
}

export type EditorStore = ReturnType<typeof createEditorStore>
export type EditorStoreApi = StoreApi<EditorState>

export const isDirty = (s: Pick<EditorState, 'graph' | 'savedGraph'>) => s.graph !== s.savedGraph
