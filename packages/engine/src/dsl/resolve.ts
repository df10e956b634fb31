import { EdgeIdDeriver, edgeIdBase } from '../model/edge-id'
import type { WorkflowEdge } from '../model/schema'
import type { ParseContext } from './parse-context'

/**
 * Second pass over the edges, once every node and group is known (edges may point forward,
 * like the seed's `MLModel.n8` before MLModel is opened): checks references and assigns
 * default ids (see model/edge-id.ts) to edges without an explicit one.
 */
export function resolveEdges(ctx: ParseContext): WorkflowEdge[] {
  const { edges, nodeIndex } = ctx
  const m = edges.length
  const sources = new Int32Array(m)
  const targets = new Int32Array(m)
  for (let i = 0; i < m; i++) {
    const edge = edges[i]
    const s = nodeIndex.get(edge.source)
    const t = nodeIndex.get(edge.target)
    sources[i] = s ?? -1
    targets[i] = t ?? -1
    if (s === undefined) unknownNode(ctx, edge.source, ctx.sourceOffsets[i])
    if (t === undefined) unknownNode(ctx, edge.target, ctx.targetOffsets[i])
  }
  for (const q of ctx.qualifiers)
    checkQualifier(
      ctx,
      q.group,
      q.offset,
      q.end === 'source' ? sources[q.edge] : targets[q.edge],
      q.end === 'source' ? edges[q.edge].source : edges[q.edge].target,
    )
  if (ctx.bareIds) deriveByIndex(ctx, sources, targets)
  else {
    const deriver = new EdgeIdDeriver()
    for (let i = 0; i < m; i++) {
      const id = deriver.next(edges[i].source, edges[i].target)
      if (!ctx.explicitIds.has(i)) edges[i].id = id
    }
  }
  // With bare-word node ids and no explicit ids, derived ids cannot collide: no check needed.
  if (!ctx.bareIds || ctx.explicitIds.size > 0) checkUnique(ctx)
  return edges
}

/**
 * With bare-word ids a (source, target) pair and its `source->target` text determine each
 * other, so repeated pairs are counted along per-source linked lists of earlier edges
 * instead of hashing a new string per edge.
 */
function deriveByIndex(ctx: ParseContext, sources: Int32Array, targets: Int32Array): void {
  const { edges } = ctx
  const firstFrom = new Int32Array(ctx.nodes.length).fill(-1)
  const nextFrom = new Int32Array(edges.length)
  for (let i = 0; i < edges.length; i++) {
    const s = sources[i]
    const t = targets[i]
    let count = 1
    if (s >= 0) {
      for (let k = firstFrom[s]; k >= 0; k = nextFrom[k]) if (targets[k] === t) count++
      nextFrom[i] = firstFrom[s]
      firstFrom[s] = i
    }
    if (ctx.explicitIds.has(i)) continue
    const base = edgeIdBase(edges[i].source, edges[i].target)
    edges[i].id = count === 1 ? base : `${base}#${count}`
  }
}

function checkUnique(ctx: ParseContext): void {
  const used = new Map<string, number>()
  for (let i = 0; i < ctx.edges.length; i++) {
    const id = ctx.edges[i].id
    const previous = used.get(id)
    if (previous === undefined) {
      used.set(id, ctx.edgeOffsets[i])
      continue
    }
    const line = ctx.lineOf(previous)
    const explicit = ctx.explicitIds.get(i)
    const message =
      explicit !== undefined
        ? `duplicate edge id "${id}": already used by the edge on line ${line}`
        : `this edge's id "${id}" (derived from its ends) is already used by the edge on line ${line}; give one of them an explicit [id="…"]`
    ctx.error(explicit ?? ctx.edgeOffsets[i], id.length, 'duplicate-id', message)
  }
}

function unknownNode(ctx: ParseContext, node: string, offset: number): void {
  ctx.error(
    offset,
    node.length,
    'unknown-node',
    `unknown node "${node}": expected the id of a node defined in this file`,
  )
}

function checkQualifier(ctx: ParseContext, group: string, offset: number, index: number, node: string): void {
  const entry = ctx.groupIndex.get(group)
  if (!entry) {
    const known = ctx.groups.map((g) => g.id)
    const hint = known.length === 0 ? 'no groups are defined' : `expected one of ${listOf(known)}`
    ctx.error(offset, group.length, 'unknown-group', `unknown group "${group}": ${hint}`)
  } else if (index >= 0 && ctx.nodes[index].group !== group) {
    const actual = ctx.nodes[index].group
    const where = actual === null ? 'outside any group' : `in group ${actual}`
    ctx.error(offset, group.length, 'wrong-group', `node ${node} is ${where}, not in ${group}`)
  }
}

function listOf(items: string[]): string {
  const shown = items.slice(0, 6).join(', ')
  return items.length > 6 ? `${shown}, …` : shown
}
