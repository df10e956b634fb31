import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse, type Workflow } from '../lib/engine'
import { buildDiffView } from '../pages/audit/diff-model'
import { toAuditView } from '../pages/audit/read-only-canvas'
import { previewGeometry } from '../pages/templates/preview-geometry'
import { groupRects, type Rect, toFlow, type XY } from './adapters'
import { type EdgeGeometry, edgeGeometry, nodeBoxes } from './edge-routes'
import { elkLayout } from './elk-layout'
import { labelSize } from './label-size'
import { placeMissing } from './place-missing'

/**
 * Every template, through every view's path to the screen (editor open and Shift+L, audit,
 * diff, gallery preview): no edge is drawn across a node it does not connect or through a
 * group neither of its ends belongs to, every label has its own box, and no two labels overlap.
 * Label boxes are the ones the canvases draw (their width is set from them).
 */
const dir = new URL('../../../../packages/engine/templates/', import.meta.url)
const templates = readdirSync(dir)
  .filter((f) => f.endsWith('.flow'))
  .map((f) => [f, parse(readFileSync(new URL(f, dir), 'utf8')).workflow as Workflow] as const)

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

/** Inside the box, not on its border (an edge ends on its own nodes' borders). */
function crosses(a: XY, b: XY, r: Rect): boolean {
  const inner = { x: r.x + 1, y: r.y + 1, width: r.width - 2, height: r.height - 2 }
  const seg = {
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    width: Math.abs(a.x - b.x),
    height: Math.abs(a.y - b.y),
  }
  return (
    seg.x <= inner.x + inner.width &&
    inner.x <= seg.x + seg.width &&
    seg.y <= inner.y + inner.height &&
    inner.y <= seg.y + seg.height
  )
}

/** What a view draws, checked: the problems a user would see, as readable lines. */
function problems(
  graph: Workflow,
  paths: ReadonlyMap<string, readonly XY[]>,
  labels: ReadonlyMap<string, Rect>,
) {
  const found: string[] = []
  const boxes = nodeBoxes(graph)
  const groupOf = new Map(graph.nodes.map((n) => [n.id, n.group]))
  const groups = [...groupRects(graph)].filter(([id]) => graph.nodes.some((n) => n.group === id))
  for (const e of graph.edges) {
    const pts = paths.get(e.id)
    if (!pts || pts.length < 2) {
      found.push(`${e.id} is not drawn`)
      continue
    }
    for (let i = 1; i < pts.length; i++) {
      const [a, b] = [pts[i - 1], pts[i]]
      if (a.x !== b.x && a.y !== b.y) found.push(`${e.id} has a slanted run`)
      for (const [id, box] of boxes)
        if (id !== e.source && id !== e.target && crosses(a, b, box)) found.push(`${e.id} crosses node ${id}`)
      for (const [id, r] of groups)
        if (id !== groupOf.get(e.source) && id !== groupOf.get(e.target) && crosses(a, b, r))
          found.push(`${e.id} crosses group ${id}`)
    }
    if (e.label && !labels.get(e.id)) found.push(`${e.id} has no label box`)
  }
  const placed = [...labels]
  for (const [i, [a, ra]] of placed.entries())
    for (const [b, rb] of placed.slice(i + 1))
      if (overlaps(ra, rb)) found.push(`labels ${a} and ${b} overlap`)
  return [...new Set(found)]
}

/** The geometry the editor and audit canvases hand their edge components (toFlow's edge data). */
function drawnByCanvas(edges: readonly { id: string; data?: { route?: EdgeGeometry } }[]) {
  const paths = new Map<string, XY[]>()
  const labels = new Map<string, Rect>()
  for (const e of edges) {
    const route = e.data?.route
    if (!route) continue
    paths.set(e.id, route.points)
    if (route.label) labels.set(e.id, route.label)
  }
  return { paths, labels }
}

/** What opening a template gives: its stored positions, or elk's when it has none. */
const opened = async (model: Workflow) => (model.nodes.every((n) => n.position) ? model : elkLayout(model))

describe.each(templates)('%s', (_file, model) => {
  it('editor, on open: routes and labels clear of every node and of each other', async () => {
    const graph = await opened(model)
    const { paths, labels } = drawnByCanvas(toFlow(graph).edges)
    expect(problems(graph, paths, labels)).toEqual([])
  })

  it('editor, after auto-layout (Shift+L): the same', async () => {
    const graph = await elkLayout(model)
    const { paths, labels } = drawnByCanvas(toFlow(graph).edges)
    expect(problems(graph, paths, labels)).toEqual([])
  })

  it('audit view of a version: the same routes as the editor', async () => {
    const graph = placeMissing(await opened(model))
    const { paths, labels } = drawnByCanvas(toAuditView(graph).edges)
    expect(problems(graph, paths, labels)).toEqual([])
    expect(paths).toEqual(drawnByCanvas(toFlow(graph).edges).paths)
  })

  it('diff view: a relabelled branch, a removed and an added step, labels sized as drawn', async () => {
    const before = await opened(model)
    const labelled = before.edges.find((e) => e.label)
    const after: Workflow = {
      ...before,
      nodes: [
        ...before.nodes.slice(1),
        {
          id: 'x_new',
          group: null,
          shape: 'rectangle',
          label: 'Added step',
          type: 'transform',
          config: { vars: {} },
        },
      ],
      edges: before.edges
        .filter((e) => e.source !== before.nodes[0].id && e.target !== before.nodes[0].id)
        .map((e) => (e === labelled ? { ...e, label: `${e.label} (new)` } : e)),
    }
    const view = buildDiffView(before, after)
    const graph = placeMissing(view.union)
    const { paths, labels } = drawnByCanvas(toAuditView(graph, view).edges)
    expect(problems(graph, paths, labels)).toEqual([])
    // A changed label is drawn as "before → after": its box is that wide.
    if (labelled) {
      const box = labels.get(labelled.id)!
      const shown = `${labelled.label} → ${labelled.label} (new)`
      expect([labelSize(shown, true).width, labelSize(shown, false).width]).toContain(box.width)
    }
  })

  it('gallery preview: the editor routes', async () => {
    const graph = await opened(model)
    const preview = previewGeometry(graph)
    const paths = new Map(preview.edges.map((e) => [e.id, e.points]))
    const labels = new Map(
      [...edgeGeometry(graph)].flatMap(([id, g]) => (g.label ? [[id, g.label] as const] : [])),
    )
    expect(problems(graph, paths, labels)).toEqual([])
  })
})

describe('routing', () => {
  it('parallel edges into one handle get their labels apart (the seed\'s three "Predict")', () => {
    const seed = templates.find(([f]) => f === 'personalization.flow')![1]
    const geometry = edgeGeometry(seed)
    const predict = seed.edges.filter((e) => e.label === 'Predict').map((e) => geometry.get(e.id)!.label!)
    expect(predict).toHaveLength(3)
    for (const [i, a] of predict.entries())
      for (const b of predict.slice(i + 1)) expect(overlaps(a, b)).toBe(false)
  })

  it('a moved node gets a fresh route around the others, not a straight line through them', () => {
    const graph: Workflow = {
      title: 't',
      description: '',
      groups: [],
      nodes: [
        { id: 'a', group: null, shape: 'rectangle', label: 'A', position: { x: 0, y: 0 } },
        { id: 'b', group: null, shape: 'rectangle', label: 'B', position: { x: 240, y: 0 } },
        { id: 'c', group: null, shape: 'rectangle', label: 'C', position: { x: 480, y: 0 } },
      ],
      edges: [
        { id: 'a->c', source: 'a', sourceHandle: 'right', target: 'c', targetHandle: 'left', label: 'skip' },
      ],
    }
    const { paths, labels } = drawnByCanvas(toFlow(graph).edges)
    expect(problems(graph, paths, labels)).toEqual([])
    expect(paths.get('a->c')!.length).toBeGreaterThan(2)
  })
})
