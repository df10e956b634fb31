import type { Workflow } from '../lib/engine'

function nextNumbered(ids: Iterable<string>, prefix: string): number {
  const re = new RegExp(`^${prefix}(\\d+)$`)
  let max = 0
  for (const id of ids) {
    const m = re.exec(id)
    if (m) max = Math.max(max, Number(m[1]))
  }
  return max + 1
}

function allIds(graph: Workflow): string[] {
  return [...graph.groups.map((g) => g.id), ...graph.nodes.map((n) => n.id)]
}

/** Fresh node ids follow the seed's `n1, n2, …` style. */
export function freshNodeIds(graph: Workflow, count: number): string[] {
  const start = nextNumbered(allIds(graph), 'n')
  return Array.from({ length: count }, (_, i) => `n${start + i}`)
}

export function freshNodeId(graph: Workflow): string {
  return freshNodeIds(graph, 1)[0]
}

/**
 * Edge ids follow the engine's convention (`n1->n2`, then `n1->n2#2`): the notation only
 * spells out ids that differ from it, so conventional ids keep the text clean.
 */
export function freshEdgeIdFor(source: string, target: string, taken: Set<string>): string {
  const base = `${source}->${target}`
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}#${n}`
  taken.add(id)
  return id
}

export function freshEdgeId(graph: Workflow, source: string, target: string): string {
  return freshEdgeIdFor(source, target, new Set(graph.edges.map((e) => e.id)))
}

/** Group ids are identifiers in the notation (`Name { # Title`). */
export function freshGroupIds(graph: Workflow, count: number): string[] {
  const start = nextNumbered(allIds(graph), 'Group')
  return Array.from({ length: count }, (_, i) => `Group${start + i}`)
}
