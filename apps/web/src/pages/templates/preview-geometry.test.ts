import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { elkLayout as autoLayout } from '../../canvas/elk-layout'
import { parse, type Workflow } from '../../lib/engine'
import { previewGeometry } from './preview-geometry'

const dir = new URL('../../../../../packages/engine/templates/', import.meta.url)
const flows = readdirSync(dir).filter((f) => f.endsWith('.flow'))

const inside = (p: { x: number; y: number }, r: { x: number; y: number; width: number; height: number }) =>
  p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height

describe('template preview geometry', () => {
  it('finds the seven templates', () => {
    expect(flows).toHaveLength(7)
  })

  it.each(flows)('%s: every node and edge drawn, all inside the view box', async (file) => {
    const model = parse(readFileSync(new URL(file, dir), 'utf8')).workflow as Workflow
    const g = previewGeometry(await autoLayout(model))
    expect(g.nodes).toHaveLength(model.nodes.length)
    expect(g.edges.map((e) => e.id).sort()).toEqual(model.edges.map((e) => e.id).sort())
    expect(g.groups).toHaveLength(
      model.groups.filter((gr) => model.nodes.some((n) => n.group === gr.id)).length,
    )
    for (const n of g.nodes) {
      expect(inside(n, g.viewBox)).toBe(true)
      expect(inside({ x: n.x + n.width, y: n.y + n.height }, g.viewBox)).toBe(true)
    }
    for (const e of g.edges) {
      expect(e.points.length).toBeGreaterThanOrEqual(2)
      for (const p of e.points) expect(inside(p, g.viewBox)).toBe(true)
    }
  })

  it('an unlaid or empty model still gives a drawable view box', () => {
    const g = previewGeometry({ title: 'x', description: '', groups: [], nodes: [], edges: [] })
    expect(g.viewBox.width).toBeGreaterThan(0)
    expect(g.nodes).toEqual([])
  })
})
