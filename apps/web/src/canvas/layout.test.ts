import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse, type Workflow } from '../lib/engine'
import { sampleWorkflow } from '../test/fixtures'
import { groupRects, nodeSize } from './adapters'
import { edgeGeometry } from './edge-routes'
import { elkLayout as autoLayout, dominantDirection } from './elk-layout'

const overlaps = (a: { x: number; y: number; w: number; h: number }, b: typeof a) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

describe('auto-layout', () => {
  it('places every node, without overlaps, groups not overlapping each other', async () => {
    const model: Workflow = {
      ...sampleWorkflow(),
      nodes: sampleWorkflow().nodes.map(({ position: _, ...n }) => n),
    }
    const laid = await autoLayout(model)
    expect(laid.nodes.every((n) => n.position)).toBe(true)
    const boxes = laid.nodes.map((n) => ({ ...n.position!, w: nodeSize(n).width, h: nodeSize(n).height }))
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i], boxes[j])).toBe(false)
    const [a, b] = [...groupRects(laid).values()].map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height }))
    expect(overlaps(a, b)).toBe(false)
  })

  it('follows the handle sides: right→left edges read left to right', async () => {
    const laid = await autoLayout({
      ...sampleWorkflow(),
      nodes: sampleWorkflow().nodes.map(({ position: _, ...n }) => n),
    })
    const x = (id: string) => laid.nodes.find((n) => n.id === id)!.position!.x
    expect(x('n2')).toBeGreaterThan(x('n1'))
    expect(dominantDirection(sampleWorkflow().edges, 'DOWN')).toBe('RIGHT')
  })

  it('routes every edge of the personalization template around the nodes it does not connect', async () => {
    const source = readFileSync(
      new URL('../../../../packages/engine/templates/personalization.flow', import.meta.url),
      'utf8',
    )
    const laid = await autoLayout(parse(source).workflow as Workflow)
    const byId = new Map(laid.nodes.map((n) => [n.id, n]))
    const behind: string[] = []
    const routes = edgeGeometry(laid)
    for (const e of laid.edges) {
      const pts = routes.get(e.id)?.points ?? []
      expect(pts.length, e.id).toBeGreaterThan(1)
      for (let i = 1; i < pts.length; i++)
        for (let t = 0; t <= 1; t += 0.05) {
          const x = pts[i - 1].x + (pts[i].x - pts[i - 1].x) * t
          const y = pts[i - 1].y + (pts[i].y - pts[i - 1].y) * t
          for (const n of byId.values()) {
            const { width, height } = nodeSize(n)
            const p = n.position!
            if (n.id === e.source || n.id === e.target) continue
            if (x > p.x + 2 && x < p.x + width - 2 && y > p.y + 2 && y < p.y + height - 2)
              behind.push(`${e.id} behind ${n.id}`)
          }
        }
    }
    expect([...new Set(behind)]).toEqual([])
  })
})
