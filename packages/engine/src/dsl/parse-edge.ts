import type { Side, WorkflowEdge } from '../model/schema'
import { CH, type Scanner } from './lexer'
import { describeAt, type ParseContext } from './parse-context'
import { fail, scanFailed } from './parse-statements'

const { BACKTICK, COMMA, DOT, EQUALS, GT, LBRACKET, LPAREN, MINUS, QUOTE, RBRACKET, RPAREN } = CH

/** The end being read; reused for every edge so the hot path allocates only the model. */
const end = { node: '', offset: 0, group: null as string | null, groupOffset: 0, side: 'right' as Side }

/** `a.handle(side) -> [Group.]b.handle(side) [id="…" label="…"]` */
export function parseEdge(ctx: ParseContext, first: string, at: number): void {
  const s = ctx.s
  if (!readEnd(ctx, first, at)) return
  const source = end.node
  const sourceOffset = end.offset
  const sourceGroup = end.group
  const sourceGroupOffset = end.groupOffset
  const sourceHandle = end.side
  s.skipSpaces()
  if (s.peek() !== MINUS || s.peekAt(1) !== GT) {
    ctx.error(
      s.pos,
      1,
      'syntax',
      `expected "->" after ${source}.handle(${sourceHandle}), found ${describeAt(ctx.source, s.pos)}`,
    )
    s.skipRestOfLine()
    return
  }
  s.pos += 2
  s.skipSpaces()
  const targetAt = s.pos
  const target = ctx.expectRef('a node id')
  if (target === null || !readEnd(ctx, target, targetAt)) return
  // `id` is filled in by resolveEdges; initialised here so every edge has the same shape.
  const edge: WorkflowEdge = { id: '', source, sourceHandle, target: end.node, targetHandle: end.side }
  const index = ctx.edges.length
  s.skipSpaces()
  if (s.peek() === LBRACKET && !readAttributes(ctx, edge, index)) return
  s.skipSpaces()
  if (!s.atLineEnd()) {
    ctx.expectLineEnd('the edge')
    return
  }
  ctx.edges.push(edge)
  ctx.edgeOffsets.push(at)
  ctx.sourceOffsets.push(sourceOffset)
  ctx.targetOffsets.push(end.offset)
  if (sourceGroup !== null)
    ctx.qualifiers.push({ edge: index, end: 'source', group: sourceGroup, offset: sourceGroupOffset })
  if (end.group !== null)
    ctx.qualifiers.push({ edge: index, end: 'target', group: end.group, offset: end.groupOffset })
}

function readSide(s: Scanner): Side | null {
  if (s.wordIs('right')) return 'right'
  if (s.wordIs('left')) return 'left'
  if (s.wordIs('top')) return 'top'
  if (s.wordIs('bottom')) return 'bottom'
  return null
}

/**
 * The rest of `[Group.]node.handle(side)` after its first id (already read, at `firstAt`)
 * into `end`; false (error reported, line skipped) when malformed.
 */
function readEnd(ctx: ParseContext, first: string, firstAt: number): boolean {
  const s = ctx.s
  let node = first
  let nodeAt = firstAt
  let group: string | null = null
  if (s.peek() !== DOT) return handleExpected(ctx, first, s.pos)
  s.pos++
  const secondAt = s.pos
  if (!(s.peek() !== BACKTICK && s.readWord() && s.wordIs('handle'))) {
    // Not `node.handle`: this is `Group.node.handle`.
    s.pos = secondAt
    const second = ctx.expectRef('a node id or "handle"')
    if (second === null) return false
    if (s.peek() === LPAREN) return handleExpected(ctx, `${first}.`, secondAt, second)
    group = first
    node = second
    nodeAt = secondAt
    if (s.peek() !== DOT) return handleExpected(ctx, `${first}.${second}`, s.pos)
    s.pos++
    const thirdAt = s.pos
    if (s.peek() === BACKTICK || !s.readWord()) return handleExpected(ctx, `${first}.${second}`, thirdAt)
    if (!s.wordIs('handle')) return handleExpected(ctx, `${first}.${second}.`, thirdAt, s.word())
  }
  if (s.peek() !== LPAREN) return ctx.missing('"(" after handle')
  s.pos++
  s.skipSpaces()
  const sideAt = s.pos
  if (!s.readWord()) return fail(ctx, 'a side (top, right, bottom or left)')
  const side = readSide(s)
  if (side === null)
    ctx.error(
      sideAt,
      s.pos - sideAt,
      'bad-side',
      `unknown side "${s.word()}": expected top, right, bottom or left`,
    )
  s.skipSpaces()
  if (s.peek() !== RPAREN) return ctx.missing('")" after the side')
  s.pos++
  end.node = node
  end.offset = nodeAt
  end.group = group
  end.groupOffset = firstAt
  end.side = side ?? 'right'
  return true
}

function handleExpected(ctx: ParseContext, shown: string, at: number, found?: string): false {
  const message =
    found === undefined
      ? `expected ".handle(side)" after ${shown}, as in ${shown}.handle(right)`
      : `expected "handle" after ${shown}, found "${found}"`
  ctx.error(at, found?.length ?? 1, 'syntax', message)
  ctx.s.skipRestOfLine()
  return false
}

/** `[label="…" id="…"]`, separated by spaces or commas. */
function readAttributes(ctx: ParseContext, edge: WorkflowEdge, index: number): boolean {
  const s = ctx.s
  s.pos++
  let seen = 0
  for (;;) {
    s.skipSpaces()
    const c = s.peek()
    if (c === RBRACKET) {
      s.pos++
      return true
    }
    if (c === COMMA) {
      s.pos++
      continue
    }
    const nameAt = s.pos
    const read = s.readWord()
    const bit = read && s.wordIs('label') ? 1 : read && s.wordIs('id') ? 2 : 0
    if (bit === 0) {
      const found = s.pos > nameAt ? `"${s.word()}"` : describeAt(ctx.source, nameAt)
      ctx.error(
        nameAt,
        Math.max(1, s.pos - nameAt),
        read ? 'unknown-attribute' : 'syntax',
        `expected label="…", id="…" or "]", found ${found}`,
      )
      s.skipRestOfLine()
      return false
    }
    const name = bit === 1 ? 'label' : 'id'
    if (seen & bit)
      ctx.error(nameAt, name.length, 'duplicate-attribute', `${name} is given twice for this edge`)
    seen |= bit
    s.skipSpaces()
    if (s.peek() !== EQUALS) return ctx.missing(`"=" after ${name}`)
    s.pos++
    s.skipSpaces()
    if (s.peek() !== QUOTE) return fail(ctx, `a quoted ${name}, as in ${name}="…"`)
    const valueAt = s.pos
    const value = s.readQuoted(QUOTE)
    if (value === null) return scanFailed(ctx)
    if (bit === 1) edge.label = value
    else {
      edge.id = value
      ctx.explicitIds.set(index, valueAt)
    }
  }
}
