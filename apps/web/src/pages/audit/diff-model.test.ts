import { describe, expect, it } from 'vitest'
import type { Workflow } from '../../lib/engine'
import { buildDiffView, countChanges } from './diff-model'

const node = (id: string, label: string, x: number) => ({
  id,
  group: null,
  shape: 'rectangle' as const,
  label,
  position: { x, y: 0 },
})
const before: Workflow = {
  title: 't',
  description: '',
  groups: [{ id: 'Old', title: 'Old group' }],
  nodes: [node('a', 'A', 0), node('gone', 'Gone', 200), { ...node('b', 'B', 400), group: 'Old' }],
  edges: [
    { id: 'a->gone', source: 'a', sourceHandle: 'right', target: 'gone', targetHandle: 'left' },
    { id: 'a->b', source: 'a', sourceHandle: 'right', target: 'b', targetHandle: 'left', label: 'x' },
  ],
}
const after: Workflow = {
  ...before,
  groups: [],
  nodes: [node('a', 'A', 0), node('b', 'B', 400), node('new', 'New', 600)],
  edges: [{ id: 'a->b', source: 'a', sourceHandle: 'right', target: 'b', targetHandle: 'left', label: 'y' }],
}

describe('buildDiffView', () => {
  it('draws the newer version plus what it dropped, where it was', () => {
    const v = buildDiffView(before, after)
    expect(v.union.nodes.map((n) => n.id)).toEqual(['a', 'b', 'new', 'gone'])
    expect(v.union.nodes.find((n) => n.id === 'gone')?.position).toEqual({ x: 200, y: 0 })
    expect(v.union.edges.map((e) => e.id)).toEqual(['a->b', 'a->gone'])
    expect(v.union.groups.map((g) => g.id)).toEqual(['Old'])
    expect(v.nodes.get('gone')).toBe('removed')
    expect(v.nodes.get('new')).toBe('added')
    expect(v.nodes.get('b')).toBe('changed') // left its group
    expect(v.edges.get('a->gone')).toBe('removed')
    expect(v.groups.get('Old')).toBe('removed')
    expect(v.edgeLabelBefore.get('a->b')).toBe('x')
    expect(countChanges(v.diff)).toEqual({ added: 1, removed: 3, changed: 2 })
  })
})
