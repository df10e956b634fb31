import type { Shape, Workflow, WorkflowNode } from '../model/schema'

/**
 * A compact way to write workflows in tests: nodes as `id: shape type {config}` objects,
 * edges as `a -> b` or `a -> b : label`.
 */
export interface NodeDef {
  id: string
  shape?: Shape
  type?: string
  config?: unknown
  label?: string
}

export function flow(nodes: NodeDef[], edges: string[], title = 'test'): Workflow {
  return {
    title,
    description: '',
    groups: [],
    nodes: nodes.map(
      (n): WorkflowNode => ({
        id: n.id,
        group: null,
        shape:
          n.shape ??
          (n.type === 'decision'
            ? 'diamond'
            : n.type === 'start' || n.type === 'end'
              ? 'circle'
              : 'rectangle'),
        label: n.label ?? n.id,
        ...(n.type ? { type: n.type } : {}),
        ...(n.config !== undefined ? { config: n.config } : {}),
      }),
    ),
    edges: edges.map((text, i) => {
      const m = /^\s*(\S+)\s*->\s*(\S+)\s*(?::\s*(.*))?$/.exec(text)
      if (!m) throw new Error(`bad edge "${text}"`)
      return {
        id: `e${i + 1}`,
        source: m[1],
        sourceHandle: 'right',
        target: m[2],
        targetHandle: 'left',
        ...(m[3] !== undefined ? { label: m[3].trim() } : {}),
      }
    }),
  }
}

export const start = (id = 'start'): NodeDef => ({ id, type: 'start' })
export const end = (id = 'end'): NodeDef => ({ id, type: 'end' })
export const pass = (id: string): NodeDef => ({ id, type: 'pass-through' })
export const decide = (id: string, subject: string): NodeDef => ({
  id,
  type: 'decision',
  config: { subject },
})
export const transform = (id: string, vars: Record<string, string>, output?: string): NodeDef => ({
  id,
  type: 'transform',
  config: output === undefined ? { vars } : { vars, output },
})
