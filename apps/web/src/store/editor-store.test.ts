import { describe, expect, it } from 'vitest'
import { updateNode } from '../commands/graph-ops'
import { sampleWorkflow } from '../test/fixtures'
import { createEditorStore, isDirty } from './editor-store'

const make = () => createEditorStore({ workflowId: 'w', graph: sampleWorkflow(), version: 3 })

describe('editor store', () => {
  it('undo and redo restore the exact graphs, and the canvas view follows', () => {
    const store = make()
    const original = store.getState().graph
    store.getState().commit(updateNode(original, 'n1', { label: 'Begin' }))
    const edited = store.getState().graph
    store.getState().commit(updateNode(edited, 'n4', { label: 'Done' }))
    const last = store.getState().graph

    store.getState().undo()
    expect(store.getState().graph).toBe(edited)
    store.getState().undo()
    expect(store.getState().graph).toBe(original)
    const n1 = store.getState().rfNodes.find((n) => n.id === 'n1')!
    expect(n1.type === 'flow' && n1.data.node.label).toBe('Start')

    store.getState().redo()
    store.getState().redo()
    expect(store.getState().graph).toBe(last)
    expect(store.getState().viewOf).toBe(last)
  })

  it('a drag is one history entry however many frames it had', () => {
    const store = make()
    const before = store.temporal.getState().pastStates.length
    for (let i = 1; i <= 30; i++) {
      store
        .getState()
        .onNodesChange([{ type: 'position', id: 'n4', position: { x: 600 + i * 4, y: 400 }, dragging: true }])
    }
    expect(store.temporal.getState().pastStates.length).toBe(before)
    store.getState().finishDrag(['n4'])
    expect(store.temporal.getState().pastStates.length).toBe(before + 1)
    expect(store.getState().graph.nodes.find((n) => n.id === 'n4')!.position).toEqual({ x: 720, y: 400 })
    store.getState().undo()
    expect(store.getState().graph.nodes.find((n) => n.id === 'n4')!.position).toEqual({ x: 600, y: 400 })
  })

  it('selection changes are not undo steps', () => {
    const store = make()
    store.getState().onNodesChange([{ type: 'select', id: 'n2', selected: true }])
    expect(store.getState().selection.nodes).toEqual(['n2'])
    expect(store.temporal.getState().pastStates).toHaveLength(0)
  })

  it('connecting two handles adds an edge with side names, once', () => {
    const store = make()
    const c = { source: 'n1', sourceHandle: 'bottom', target: 'n3', targetHandle: 'left' }
    store.getState().connect(c)
    store.getState().connect(c)
    const added = store.getState().graph.edges.filter((e) => e.source === 'n1' && e.target === 'n3')
    expect(added).toEqual([
      { id: 'n1->n3', source: 'n1', sourceHandle: 'bottom', target: 'n3', targetHandle: 'left' },
    ])
  })

  it('is dirty until saved, and clean again after undoing back to the saved graph', () => {
    const store = make()
    expect(isDirty(store.getState())).toBe(false)
    store.getState().commit(updateNode(store.getState().graph, 'n1', { label: 'x' }))
    expect(isDirty(store.getState())).toBe(true)
    store.getState().undo()
    expect(isDirty(store.getState())).toBe(false)
    store.getState().redo()
    store.getState().markSaved(store.getState().graph, 4)
    expect(isDirty(store.getState())).toBe(false)
    expect(store.getState().baseVersion).toBe(4)
  })

  it('load replaces the graph and forgets history', () => {
    const store = make()
    store.getState().commit(updateNode(store.getState().graph, 'n1', { label: 'x' }))
    const fresh = sampleWorkflow()
    store.getState().load(fresh)
    expect(store.getState().graph).toBe(fresh)
    expect(store.temporal.getState().pastStates).toHaveLength(0)
  })
})
