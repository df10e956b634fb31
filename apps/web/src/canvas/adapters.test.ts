import { describe, expect, it } from 'vitest'
import { sampleWorkflow } from '../test/fixtures'
import { absolutePositions, applyDrag, type CanvasNode, fromFlow, GROUP_PADDING, toFlow } from './adapters'

describe('model ↔ React Flow', () => {
  it('round-trips a model through the canvas view unchanged', () => {
    const model = sampleWorkflow()
    const view = toFlow(model)
    expect(fromFlow(view.nodes, view.edges, model)).toEqual(model)
  })

  it('draws groups as parents around their children, children positioned relative to them', () => {
    const view = toFlow(sampleWorkflow())
    // Parents come first, as React Flow requires.
    expect(view.nodes.slice(0, 2).map((n) => n.type)).toEqual(['group', 'group'])
    const intake = view.nodes.find((n) => n.id === 'Intake')!
    expect(intake.position).toEqual({ x: -GROUP_PADDING.left, y: -GROUP_PADDING.top })
    const n2 = view.nodes.find((n) => n.id === 'n2')!
    expect(n2.parentId).toBe('Intake')
    expect(n2.position).toEqual({ x: 200 + GROUP_PADDING.left, y: GROUP_PADDING.top })
    expect(absolutePositions(view.nodes).get('n2')).toEqual({ x: 200, y: 0 })
    expect(view.nodes.find((n) => n.id === 'n4')!.parentId).toBeUndefined()
  })

  it('maps handle sides straight onto edge handles and marks decision branches', () => {
    const view = toFlow(sampleWorkflow())
    const e = view.edges.find((x) => x.id === 'n2->n3')!
    expect([e.sourceHandle, e.targetHandle]).toEqual(['bottom', 'top'])
    expect(e.data?.decision).toBe(true)
    expect(view.edges.find((x) => x.id === 'n1->n2')!.data?.decision).toBe(false)
  })

  it('keeps unchanged nodes and edges as the same objects, so they do not re-render', () => {
    const model = sampleWorkflow()
    const first = toFlow(model)
    const moved = { ...model, nodes: model.nodes.map((n) => (n.id === 'n4' ? { ...n, label: 'Done' } : n)) }
    const second = toFlow(moved, { prev: first })
    expect(second.nodes.find((n) => n.id === 'n1')).toBe(first.nodes.find((n) => n.id === 'n1'))
    expect(second.nodes.find((n) => n.id === 'n4')).not.toBe(first.nodes.find((n) => n.id === 'n4'))
    expect(second.edges[0]).toBe(first.edges[0])
  })
})

describe('ending a drag', () => {
  const dragTo = (view: CanvasNode[], id: string, abs: { x: number; y: number }) => {
    const positions = absolutePositions(view)
    return view.map((n) => {
      if (n.id !== id) return n
      const parent = n.parentId ? positions.get(n.parentId)! : { x: 0, y: 0 }
      return { ...n, position: { x: abs.x - parent.x, y: abs.y - parent.y } }
    })
  }

  it('moves a node out of its group when dropped outside it', () => {
    const model = sampleWorkflow()
    const view = dragTo(toFlow(model).nodes, 'n2', { x: 900, y: -300 })
    const next = applyDrag(model, view, new Set(['n2']))
    const n2 = next.nodes.find((n) => n.id === 'n2')!
    expect(n2.group).toBeNull()
    expect(n2.position).toEqual({ x: 900, y: -300 })
  })

  it('moves a node into the group it is dropped on', () => {
    const model = sampleWorkflow()
    const view = dragTo(toFlow(model).nodes, 'n4', { x: 10, y: 10 })
    const next = applyDrag(model, view, new Set(['n4']))
    expect(next.nodes.find((n) => n.id === 'n4')!.group).toBe('Intake')
  })

  it('dragging a group moves its children in the model', () => {
    const model = sampleWorkflow()
    const view = toFlow(model).nodes.map((n) =>
      n.id === 'Delivery' ? { ...n, position: { x: n.position.x + 100, y: n.position.y + 50 } } : n,
    )
    const next = applyDrag(model, view, new Set(['Delivery']))
    const n3 = next.nodes.find((n) => n.id === 'n3')!
    expect(n3.position).toEqual({ x: 100, y: 450 })
    expect(n3.group).toBe('Delivery')
  })

  it('returns the same graph when nothing moved', () => {
    const model = sampleWorkflow()
    expect(applyDrag(model, toFlow(model).nodes, new Set(['n1']))).toBe(model)
  })
})
