import type { Position, Shape, WorkflowNode } from '../model/schema'
import { CH, type Scanner } from './lexer'
import { isTextControl } from './line-kind'
import { describeAt, type GroupEntry, type ParseContext } from './parse-context'
import { JSON_FAILED, readJson } from './parse-json'

// Local copies: these are read in the hottest loops.
const { COLON, COMMA, LPAREN, QUOTE, RPAREN } = CH

/** `Name { # Title` — opens (or reopens) a group; returns it, or null when the header is broken. */
export function parseGroupHeader(ctx: ParseContext): GroupEntry | null {
  const s = ctx.s
  const at = s.pos
  const id = ctx.expectRef('a group name')
  if (id === null) return null
  const length = s.pos - at
  s.skipSpaces()
  if (s.peek() !== CH.LBRACE) return ctx.missing(`"{" after the group name ${id}`) || null
  s.pos++
  s.skipSpaces()
  let title: string | null = null
  if (s.peek() === CH.HASH) {
    s.pos++
    s.skipSpaces()
    title = readTitle(ctx)
  } else ctx.expectLineEnd('"{"')
  const existing = ctx.groupIndex.get(id)
  if (existing) {
    // A group may be reopened (the printer does so to keep node order); titles must agree.
    if (title !== null && title !== existing.group.title) {
      ctx.error(
        at,
        length,
        'group-title-conflict',
        `group ${id} was already opened on line ${ctx.lineOf(existing.offset)} with the title ${JSON.stringify(existing.group.title)}; a reopened group repeats its title or omits it`,
      )
    }
    return existing
  }
  const entry: GroupEntry = { group: { id, title: title ?? '' }, offset: at, length }
  ctx.groups.push(entry.group)
  ctx.groupIndex.set(id, entry)
  return entry
}

/** The rest of a `# Title` comment: raw text, or a quoted string when it needs escapes. */
function readTitle(ctx: ParseContext): string {
  const s = ctx.s
  const start = s.pos
  const end = s.lineEnd()
  if (s.peek() === CH.QUOTE) {
    const quoted = s.readQuoted(CH.QUOTE)
    if (quoted !== null) {
      s.skipSpaces()
      if (s.atLineEnd()) return quoted
    }
  }
  s.pos = end
  return rawText(ctx, start, end)
}

/** Raw free text from `start` to `end`, trailing blanks trimmed; control characters are errors. */
export function rawText(ctx: ParseContext, start: number, end: number): string {
  const src = ctx.source
  let stop = end
  while (stop > start && (src.charCodeAt(stop - 1) === CH.SPACE || src.charCodeAt(stop - 1) === CH.TAB))
    stop--
  for (let i = start; i < stop; i++) {
    const c = src.charCodeAt(i)
    if (isTextControl(c)) {
      const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`
      ctx.error(
        i,
        1,
        'control-character',
        `unexpected control character ${code}: text must be printable (write it in a quoted string as \\u${c.toString(16).padStart(4, '0')})`,
      )
      break
    }
  }
  return src.slice(start, stop)
}

const ATTR_LABEL = 1
const ATTR_TYPE = 2
const ATTR_AT = 4
const ATTR_CONFIG = 8

/** Which node attribute the word just read names (compared in place, no allocation); 0 for none. */
function nodeAttribute(s: Scanner): number {
  if (s.wordIs('label')) return ATTR_LABEL
  if (s.wordIs('type')) return ATTR_TYPE
  if (s.wordIs('at')) return ATTR_AT
  if (s.wordIs('config')) return ATTR_CONFIG
  return 0
}

function readShape(s: Scanner): Shape | null {
  if (s.wordIs('rectangle')) return 'rectangle'
  if (s.wordIs('circle')) return 'circle'
  if (s.wordIs('diamond')) return 'diamond'
  return null
}

/** `id: shape label:"…" type:… at:(x,y) config:{…}` */
export function parseNode(ctx: ParseContext, group: string | null, id: string, at: number): void {
  const s = ctx.s
  const idLength = s.pos - at
  s.skipSpaces()
  if (s.peek() !== COLON) return void ctx.missing(`":" after the node id ${id}`)
  s.pos++
  s.skipSpaces()
  const shapeAt = s.pos
  let shape: Shape = 'rectangle'
  if (!s.readWord()) {
    ctx.error(
      shapeAt,
      1,
      'bad-shape',
      `expected a shape (circle, rectangle or diamond) after "${id}:", found ${describeAt(ctx.source, shapeAt)}`,
    )
    s.skipRestOfLine()
  } else {
    const known = readShape(s)
    if (known !== null) shape = known
    else
      ctx.error(
        shapeAt,
        s.pos - shapeAt,
        'bad-shape',
        `unknown shape "${s.word()}": expected circle, rectangle or diamond`,
      )
  }
  // One scratch record for all nodes (parsing is synchronous): no garbage per node.
  const attrs = scratch
  attrs.label = ''
  attrs.type = undefined
  attrs.config = undefined
  attrs.position = undefined
  let seen = 0
  while (!s.atLineEnd()) {
    s.skipSpaces()
    if (s.atLineEnd()) break
    const nameAt = s.pos
    const bit = s.readWord() ? nodeAttribute(s) : 0
    if (bit === 0) {
      const found = s.pos > nameAt ? `"${s.word()}"` : describeAt(ctx.source, nameAt)
      const code = s.pos > nameAt ? 'unknown-attribute' : 'syntax'
      ctx.error(
        nameAt,
        Math.max(1, s.pos - nameAt),
        code,
        `expected an attribute (label:"…", type:…, at:(x,y) or config:{…}), found ${found}`,
      )
      s.skipRestOfLine()
      break
    }
    if (seen & bit)
      ctx.error(nameAt, s.pos - nameAt, 'duplicate-attribute', `${s.word()} is given twice for node ${id}`)
    seen |= bit
    s.skipSpaces()
    if (s.peek() !== COLON) {
      ctx.missing(`":" after ${s.src.slice(nameAt, s.pos).trim()}`)
      break
    }
    s.pos++
    s.skipSpaces()
    if (!readNodeAttribute(ctx, attrs, bit, id)) {
      s.skipRestOfLine()
      break
    }
  }
  registerNode(ctx, makeNode(id, group, shape, attrs), at, idLength)
}

interface Attributes {
  label: string
  type: string | undefined
  config: unknown
  position: Position | undefined
}

const scratch: Attributes = { label: '', type: undefined, config: undefined, position: undefined }

/**
 * The node with exactly the attributes given, created in one step: a literal per
 * combination gives every node its final shape at once (no property added later, no
 * undefined-valued optional keys), which is measurably faster for 10,000 nodes.
 */
function makeNode(id: string, group: string | null, shape: Shape, a: Attributes): WorkflowNode {
  const { label, type, config, position } = a
  if (config === undefined) {
    if (position === undefined)
      return type === undefined ? { id, group, shape, label } : { id, group, shape, label, type }
    return type === undefined
      ? { id, group, shape, label, position }
      : { id, group, shape, label, type, position }
  }
  if (position === undefined)
    return type === undefined
      ? { id, group, shape, label, config }
      : { id, group, shape, label, type, config }
  return type === undefined
    ? { id, group, shape, label, config, position }
    : { id, group, shape, label, type, config, position }
}

function readNodeAttribute(ctx: ParseContext, node: Attributes, attribute: number, id: string): boolean {
  const s = ctx.s
  if (attribute === ATTR_LABEL) {
    if (s.peek() !== QUOTE) return fail(ctx, 'a quoted label, as in label:"Send email"')
    const label = s.readQuoted(QUOTE)
    if (label === null) return scanFailed(ctx)
    node.label = label
  } else if (attribute === ATTR_TYPE) {
    const type = s.peek() === QUOTE ? s.readQuoted(QUOTE) : s.readRef()
    if (type === null)
      return s.errMessage ? scanFailed(ctx) : fail(ctx, 'a node type, as in type:http-request')
    node.type = type
  } else if (attribute === ATTR_AT) {
    const position = readPosition(ctx)
    if (position === null) return false
    node.position = position
  } else {
    const config = readJson(ctx, 'the config of node ', id)
    if (config === JSON_FAILED) return false
    node.config = config
  }
  return true
}

export function fail(ctx: ParseContext, expected: string): false {
  ctx.error(ctx.s.pos, 1, 'syntax', `expected ${expected}, found ${describeAt(ctx.source, ctx.s.pos)}`)
  return false
}

export function scanFailed(ctx: ParseContext): false {
  ctx.scanError('bad-string')
  return false
}

/** `(x,y)` with finite numbers. */
function readPosition(ctx: ParseContext): Position | null {
  const s = ctx.s
  if (!ctx.expectChar(LPAREN, 'a position, as in at:(120,-40)')) return null
  s.skipSpaces()
  const x = s.readNumber()
  if (x === null) return fail(ctx, 'a number for x') || null
  s.skipSpaces()
  if (!ctx.expectChar(COMMA, '"," between x and y')) return null
  s.skipSpaces()
  const y = s.readNumber()
  if (y === null) return fail(ctx, 'a number for y') || null
  s.skipSpaces()
  if (!ctx.expectChar(RPAREN, '")" after the position')) return null
  return { x, y }
}

function registerNode(ctx: ParseContext, node: WorkflowNode, at: number, length: number): void {
  const index = ctx.nodeIndex
  const size = index.size
  // One hash lookup in the common case: set, and notice a duplicate by the size not growing.
  index.set(node.id, ctx.nodes.length)
  if (index.size === size) {
    const existing = ctx.nodes.findIndex((n) => n.id === node.id)
    index.set(node.id, existing)
    const line = ctx.lineOf(ctx.nodeOffsets[existing])
    ctx.error(at, length, 'duplicate-id', `duplicate node id ${node.id}: already defined on line ${line}`)
    return
  }
  ctx.nodes.push(node)
  ctx.nodeOffsets.push(at)
}
