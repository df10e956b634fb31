/**
 * Default edge ids, derived from the endpoints so they stay stable when unrelated edges
 * are added or removed: `n1->n2`, then `n1->n2#2`, `n1->n2#3` for further edges between
 * the same pair, counted in file order. The notation stores an explicit `[id="…"]` only
 * for edges whose id differs from this, so drawn edges keep whatever id the editor gave.
 */
export function edgeIdBase(source: string, target: string): string {
  return `${source}->${target}`
}

export class EdgeIdDeriver {
  private readonly seen = new Map<string, number>()

  /** The id the parser gives the next edge from `source` to `target` (call once per edge, in order). */
  next(source: string, target: string): string {
    const base = edgeIdBase(source, target)
    const n = (this.seen.get(base) ?? 0) + 1
    this.seen.set(base, n)
    return n === 1 ? base : `${base}#${n}`
  }
}

/** An id for a new edge that no existing edge uses (for editors that draw edges). */
export function freshEdgeId(source: string, target: string, taken: ReadonlySet<string>): string {
  const base = edgeIdBase(source, target)
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) {
    const id = `${base}#${n}`
    if (!taken.has(id)) return id
  }
}
