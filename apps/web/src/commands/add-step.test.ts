import { describe, expect, it } from 'vitest'
import { sampleWorkflow } from '../test/fixtures'
import { stepAfter } from './add-node'
import { copyText, pasteOffset, pasteText } from './commands'

const positionsOf = (graph: ReturnType<typeof sampleWorkflow>) =>
  new Map(graph.nodes.map((n) => [n.id, n.position!]))

describe('add a step after another', () => {
  it('places the new step to the right of its source, connected right → left, in the same group', () => {
    const graph = sampleWorkflow()
    const result = stepAfter(graph, positionsOf(graph), 'n3', 'send-email')!
    const added = result.graph.nodes.at(-1)!
    expect(added).toMatchObject({ id: 'n5', type: 'send-email', group: 'Delivery', label: 'Send e-mail' })
    expect(added.position!.x).toBeGreaterThan(0 + 156)
    expect(added.position!.y).toBe(400)
    expect(result.graph.edges.at(-1)).toEqual({
      id: 'n3->n5',
      source: 'n3',
      sourceHandle: 'right',
      target: 'n5',
      targetHandle: 'left',
    })
  })

  it('moves down while the spot to the right is taken', () => {
    const graph = sampleWorkflow()
    // n1 at x 0: its right-hand spot is where n2 sits.
    const result = stepAfter(graph, positionsOf(graph), 'n1', 'wait')!
    const added = result.graph.nodes.at(-1)!
    const n2 = graph.nodes[1].position!
    expect(Math.abs(added.position!.y - n2.y)).toBeGreaterThanOrEqual(56)
  })
})

describe('paste lands in view', () => {
  it('a clip from far away is centred on the view', () => {
    const graph = sampleWorkflow()
    const text = copyText({ graph, selection: { nodes: ['n4'], edges: [] } })!
    const result = pasteText({ graph }, text, { x: 5000, y: -3000 })
    if ('error' in result) throw new Error(result.error)
    const pasted = result.graph!.nodes.at(-1)!
    expect(pasted.position!.x + 30).toBeCloseTo(5000, -1)
    expect(pasted.position!.y + 30).toBeCloseTo(-3000, -1)
  })

  it('a clip in view goes right beside the original', () => {
    expect(
      pasteOffset({ ...sampleWorkflow(), nodes: [sampleWorkflow().nodes[0]] }, { x: 100, y: 100 }),
    ).toEqual({ x: 40, y: 40 })
  })
})
