import { describe, expect, it } from 'vitest'
import { parse } from '../lib/engine'
import { createEditorStore } from '../store/editor-store'
import { sampleWorkflow } from '../test/fixtures'
import { type CommandContext, copyText, pasteText, runCommand } from './commands'
import { deleteSelection, extractSubgraph } from './graph-ops'

function context(store: ReturnType<typeof createEditorStore>, clipboard = { text: null as string | null }) {
  const ctx: CommandContext = {
    store,
    readOnly: false,
    fitView: () => {},
    viewportCentre: () => ({ x: 0, y: 0 }),
    layout: async () => {},
    openSave: () => {},
    toggleHelp: () => {},
    exportAs: () => {},
    clipboard: {
      write: (t) => {
        clipboard.text = t
      },
      read: async () => clipboard.text,
    },
    notify: () => {},
  }
  return ctx
}

describe('copy and paste', () => {
  it('puts notation text of the selected subgraph on the clipboard', () => {
    const text = copyText({ graph: sampleWorkflow(), selection: { nodes: ['n2', 'n4'], edges: [] } })!
    const parsed = parse(text).workflow!
    expect(parsed.nodes.map((n) => n.id)).toEqual(['n2', 'n4'])
    // Only the edge between two copied nodes comes along; the group was not selected.
    expect(parsed.edges.map((e) => [e.source, e.target])).toEqual([['n2', 'n4']])
    expect(parsed.nodes.every((n) => n.group === null)).toBe(true)
  })

  it('pastes with fresh ids, remapped edges and an offset', () => {
    const graph = sampleWorkflow()
    const text = copyText({ graph, selection: { nodes: ['n2', 'n4'], edges: [] } })!
    const result = pasteText({ graph }, text, { x: 0, y: 0 })
    if ('error' in result) throw new Error(result.error)
    const added = result.graph!.nodes.slice(graph.nodes.length)
    expect(added.map((n) => n.id)).toEqual(['n5', 'n6'])
    expect(added.map((n) => n.label)).toEqual(['Event type?', 'End'])
    expect(added[0].position).toEqual({ x: 240, y: 40 })
    const newEdges = result.graph!.edges.slice(graph.edges.length)
    expect(newEdges).toEqual([
      {
        id: 'n5->n6',
        source: 'n5',
        sourceHandle: 'right',
        target: 'n6',
        targetHandle: 'left',
        label: 'else',
      },
    ])
    expect(result.selection).toEqual({ nodes: ['n5', 'n6'], edges: ['n5->n6'] })
    const ids = result.graph!.nodes.map((n) => n.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('copying a group brings its children and pastes it as a new group', () => {
    const graph = sampleWorkflow()
    const sub = extractSubgraph(graph, { nodes: ['Intake'], edges: [] })
    expect(sub.nodes.map((n) => n.id)).toEqual(['n1', 'n2'])
    const result = pasteText({ graph }, copyText({ graph, selection: { nodes: ['Intake'], edges: [] } })!, {
      x: 0,
      y: 0,
    })
    if ('error' in result) throw new Error(result.error)
    const newGroup = result.graph!.groups.at(-1)!
    expect(newGroup.title).toBe('Intake')
    expect(newGroup.id).not.toBe('Intake')
    expect(result.graph!.nodes.filter((n) => n.group === newGroup.id)).toHaveLength(2)
  })

  it('reports text that is not notation instead of pasting', () => {
    const result = pasteText({ graph: sampleWorkflow() }, 'n1: hexagon label:"x"', { x: 0, y: 0 })
    expect('error' in result).toBe(true)
  })

  it('copy then paste through the command table duplicates the selection', async () => {
    const store = createEditorStore({ workflowId: 'w', graph: sampleWorkflow(), version: 1 })
    const ctx = context(store)
    store.getState().select({ nodes: ['n3'], edges: [] })
    await runCommand('copy', ctx)
    await runCommand('paste', ctx)
    const s = store.getState()
    expect(s.graph.nodes).toHaveLength(5)
    expect(s.selection.nodes).toEqual(['n5'])
    expect(s.graph.nodes[4]).toMatchObject({
      label: 'Send',
      type: 'transform',
      config: { vars: { a: 'event.userId' } },
    })
  })
})

describe('delete', () => {
  it('removes the selected nodes and every edge touching them', () => {
    const next = deleteSelection(sampleWorkflow(), { nodes: ['n2'], edges: [] })
    expect(next.nodes.map((n) => n.id)).toEqual(['n1', 'n3', 'n4'])
    expect(next.edges.map((e) => e.id)).toEqual(['n3->n4'])
  })

  it('removes a selected group together with its children', () => {
    const next = deleteSelection(sampleWorkflow(), { nodes: ['Intake'], edges: [] })
    expect(next.groups.map((g) => g.id)).toEqual(['Delivery'])
    expect(next.nodes.map((n) => n.id)).toEqual(['n3', 'n4'])
  })

  it('is one undo step through the command table', async () => {
    const graph = sampleWorkflow()
    const store = createEditorStore({ workflowId: 'w', graph, version: 1 })
    store.getState().select({ nodes: ['n1'], edges: ['n3->n4'] })
    await runCommand('delete', context(store))
    expect(store.getState().graph.edges.map((e) => e.id)).toEqual(['n2->n3', 'n2->n4'])
    store.getState().undo()
    expect(store.getState().graph).toBe(graph)
  })
})

describe('paste into a group', () => {
  it('a copy of a grouped node pasted next to it stays in that group', () => {
    const graph = sampleWorkflow()
    const text = copyText({ graph, selection: { nodes: ['n3'], edges: [] } })!
    // The view is on the original (n3 at 0, 400): the copy goes right beside it.
    const result = pasteText({ graph }, text, { x: 80, y: 430 })
    if ('error' in result) throw new Error(result.error)
    expect(result.graph!.nodes.at(-1)).toMatchObject({
      id: 'n5',
      group: 'Delivery',
      position: { x: 40, y: 440 },
    })
  })
})
