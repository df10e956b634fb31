import type { Workflow, WorkflowEdge, WorkflowNode } from '../packages/engine/src/model/schema'

/**
 * A large, valid workflow for benchmarks: one start, one end, a backbone chain, decisions
 * every 4th node (numeric branch + else), fan-out edges between steps and some loops that
 * can be left through a decision. Nodes sit in groups of 100. With `drawing`, nodes are
 * as in the seed (shape and label only); otherwise they carry positions, and typed
 * configs with expressions, as configured workflows do.
 */
export function generateWorkflow(nodeCount = 10_000, edgeCount = 15_000, drawing = false): Workflow {
  const nodes: WorkflowNode[] = []
  const edges: WorkflowEdge[] = []
  const groups: Workflow['groups'] = []
  for (let g = 0; g * 100 < nodeCount; g++) groups.push({ id: `G${g}`, title: `Stage ${g}` })
  for (let i = 0; i < nodeCount; i++) {
    const last = i === nodeCount - 1
    const shape = i === 0 || last ? 'circle' : i % 4 === 0 ? 'diamond' : 'rectangle'
    const node: WorkflowNode = {
      id: `n${i}`,
      group: `G${Math.floor(i / 100)}`,
      shape,
      label: `Step ${i}: "quoted" ✓`,
    }
    nodes.push(node)
    if (drawing) continue
    if (shape === 'diamond') node.config = { subject: `event.properties.score${i % 10}` }
    else if (shape === 'rectangle' && i % 3 === 0) {
      node.type = 'transform'
      node.config = { vars: { [`v${i % 10}`]: `event.properties.value * ${i % 7}` } }
    } else if (shape === 'rectangle') node.type = 'pass-through'
    node.position = { x: (i % 100) * 180.5, y: Math.floor(i / 100) * -120 }
  }
  const edge = (s: number, t: number, label?: string) => {
    const e: WorkflowEdge = {
      id: `n${s}->n${t}`,
      source: `n${s}`,
      sourceHandle: 'right',
      target: `n${t}`,
      targetHandle: 'left',
    }
    if (label !== undefined) e.label = label
    edges.push(e)
  }
  for (let i = 0; i + 1 < nodeCount; i++) edge(i, i + 1, nodes[i].shape === 'diamond' ? 'else' : undefined)
  // Decisions branch forward, or back to the node before them every 40th time (a loop left via else).
  for (let i = 4; i + 3 < nodeCount && edges.length < edgeCount; i += 4)
    edge(i, i % 40 === 0 ? i - 2 : i + 3, '> 0.5')
  for (let i = 1; i + 2 < nodeCount && edges.length < edgeCount; i += 2) edge(i, i + 2)
  return {
    title: 'Benchmark workflow',
    description: `${nodeCount} nodes, ${edges.length} edges`,
    groups,
    nodes,
    edges,
  }
}
