import { nodeSize } from '../canvas/adapters'
import type { Workflow } from '../lib/engine'

/**
 * The graph a parsed text becomes: nodes the text gives no position keep the one they had
 * on the canvas; new ones are lined up below the drawing.
 */
export function mergeParsed(parsed: Workflow, current: Workflow): Workflow {
  const before = new Map(current.nodes.map((n) => [n.id, n]))
  let bottom = 0
  let left = Number.POSITIVE_INFINITY
  for (const n of current.nodes) {
    if (!n.position) continue
    bottom = Math.max(bottom, n.position.y + nodeSize(n).height)
    left = Math.min(left, n.position.x)
  }
  if (!Number.isFinite(left)) left = 0
  let cursor = left
  const y = current.nodes.length > 0 ? bottom + 80 : 0
  const nodes = parsed.nodes.map((n) => {
    if (n.position) return n
    const old = before.get(n.id)
    if (old?.position) {
      // Reuse the old object when nothing else changed, so the canvas keeps it as is.
      const merged = { ...n, position: old.position }
      return sameNode(merged, old) ? old : merged
    }
    const position = { x: cursor, y }
    cursor += nodeSize(n).width + 48
    return { ...n, position }
  })
  return { ...parsed, nodes }
}

function sameNode(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Same model, ignoring key order inside objects? No: the parser is deterministic, so JSON is enough. */
export function sameGraph(a: Workflow, b: Workflow): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}

/** The smallest single replacement turning `from` into `to` (keeps the cursor and scroll still). */
export function minimalChange(from: string, to: string): { from: number; to: number; insert: string } | null {
  if (from === to) return null
  let start = 0
  const max = Math.min(from.length, to.length)
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++
  let endA = from.length
  let endB = to.length
  while (endA > start && endB > start && from.charCodeAt(endA - 1) === to.charCodeAt(endB - 1)) {
    endA--
    endB--
  }
  return { from: start, to: endA, insert: to.slice(start, endB) }
}
