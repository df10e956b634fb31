/**
 * The `.flow` notation (DESIGN §3), seed subset plus Flowline's extensions.
 *
 *   Personalization                      free text outside blocks: first line = title,
 *   Real-time content by channel.        the rest = description lines (joined by \n)
 *   "  quoted line\twith escapes"        a whole-line "…" string is text too (blank lines,
 *                                        edge spaces, control characters, lines that
 *                                        would look like syntax; an empty title is "")
 *   MLModel { # Make.com HTTP Module     group; the comment is its title (`# "…"` quoted)
 *   n8: rectangle label:"POST…" type:http-request at:(120,-40.5) config:{"method": "POST",
 *     "url": "https://…"}                config is any JSON and may span lines
 *   n8.handle(right) -> n9.handle(left)
 *   n10.handle(right) -> n11.handle(left) [label="> 0.7"]
 *   n11.handle(bottom) -> Delivery.n13.handle(top) [id="e7" label="Personalized"]
 *   }Text glued to a closing brace is read as if it started its own line.
 *   `odd id`: circle label:"x"           ids that are not [A-Za-z0-9_-]+ use backticks
 *   test "purchase, push" {              a test case (Workflow.tests)
 *     event: {"type": "track", "event": "Order Completed"}
 *     mock n8: {"status": 200, "headers": {}, "body": {"confidence": 0.9}}
 *     expect ran: n1 n2 n4 n6
 *     expect not ran: n5 n7
 *     assert "steps.n10.output = true"
 *   }
 *
 * Rules worth knowing:
 * - Strings escape \" \\ \n \r \t and \uXXXX (backtick names also \`).
 * - Outside blocks a line is syntax only when it clearly starts like it (`Name {` or
 *   `Name { # …`, `id: <shape>` or `id: word label:`/`type:`/`at:`/`config:`, `a.handle(`
 *   or a dotted path then `(` on a line with `->`, `test "…" {`); any other line is free
 *   text, so prose like `Owner: marketing` never needs quoting. Free text after a block (the
 *   seed's `}User segmentation…`) joins the description; the printer writes all free text
 *   first. Free text is limited to 1 MiB and may not hold control characters.
 * - Nodes and edges may stand outside groups (`group: null`); edges may be written
 *   anywhere and point forward. `Group.n8` must name n8's group. Groups cannot nest; a
 *   group may be reopened with `Name {` (the printer does so only to keep node order).
 * - Edge ids default to `source->target` (`#2`, `#3`… for repeated pairs, in file order);
 *   `[id="…"]` is written only for an id that differs from that.
 * - Test blocks: `event:` is required; `mocks: {}` and `assertions: []` are the JSON
 *   forms of the fields (used for empty ones); `expect ran:` may be empty.
 * - JSON values nest at most 1000 deep.
 *
 * The parser never throws and never recurses: it reads line by line with a small state
 * machine (top level / group / test), collects up to 100 diagnostics, recovers at the
 * next line, and resolves edge references once the whole file has been read.
 */
import type { Workflow } from '../model/schema'
import type { Diagnostic } from './diagnostics'
import { CH, isWordCode } from './lexer'
import { classifyTopLine } from './line-kind'
import { describeAt, type GroupEntry, MAX_FREE_TEXT, ParseContext } from './parse-context'
import { parseEdge } from './parse-edge'
import { parseGroupHeader, parseNode, rawText } from './parse-statements'
import { parseTestHeader, parseTestLine, type TestBlock } from './parse-test'
import { resolveEdges } from './resolve'

export interface ParseOptions {
  /** File name put into diagnostics. */
  file?: string
}

export interface ParseResult {
  /** The model, or null when there is any error. */
  workflow: Workflow | null
  diagnostics: Diagnostic[]
  /** Source offset of each node's and edge's definition (index-aligned with the model), for issue locations. */
  nodeOffsets: number[]
  edgeOffsets: number[]
}

export function parse(source: string, options: ParseOptions = {}): ParseResult {
  const ctx = new ParseContext(source, options.file)
  let workflow: Workflow | null = null
  try {
    readStatements(ctx)
    const edges = resolveEdges(ctx)
    if (ctx.errorCount === 0) workflow = build(ctx, edges)
  } catch (err) {
    // A bug must surface as a diagnostic, not as a crash of the editor or the CLI.
    ctx.error(
      ctx.s.pos,
      1,
      'syntax',
      `internal parser error: ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  const diagnostics = ctx.diagnostics()
  if (!workflow) return { workflow, diagnostics, nodeOffsets: [], edgeOffsets: [] }
  return { workflow, diagnostics, nodeOffsets: ctx.nodeOffsets, edgeOffsets: ctx.edgeOffsets }
}

function build(ctx: ParseContext, edges: Workflow['edges']): Workflow {
  const workflow: Workflow = {
    title: ctx.text.length > 0 ? ctx.text[0] : '',
    description: ctx.text.slice(1).join('\n'),
    groups: ctx.groups,
    nodes: ctx.nodes,
    edges,
  }
  if (ctx.tests) workflow.tests = ctx.tests
  return workflow
}

function readStatements(ctx: ParseContext): void {
  const s = ctx.s
  let group: GroupEntry | null = null
  let test: TestBlock | null = null
  while (!ctx.stopped) {
    s.skipSpaces()
    if (s.eof()) break
    if (s.atLineEnd()) {
      s.skipLineBreak()
      continue
    }
    const before = s.pos
    if (test) {
      if (parseTestLine(ctx, test)) {
        ctx.tests ??= []
        ctx.tests.push(test.test)
        test = null
      }
    } else if (group) group = groupLine(ctx, group)
    else {
      const opened = topLine(ctx)
      if (opened && 'group' in opened) group = opened
      else if (opened) test = opened
    }
    // Every statement consumes input; this guard turns a parser bug into an error, not a hang.
    if (s.pos === before) {
      ctx.error(s.pos, 1, 'syntax', `unexpected ${describeAt(ctx.source, s.pos)}`)
      s.skipRestOfLine()
    }
  }
  if (ctx.stopped) return
  if (group) {
    ctx.error(
      group.offset,
      group.length,
      'unclosed-block',
      `group ${group.group.id} is not closed: expected "}" before the end of the file`,
    )
  }
  if (test)
    ctx.error(
      test.offset,
      4,
      'unclosed-block',
      `test "${test.test.name}" is not closed: expected "}" before the end of the file`,
    )
}

/** One line outside blocks; returns the block it opens, if any. */
function topLine(ctx: ParseContext): GroupEntry | TestBlock | null {
  const s = ctx.s
  const at = s.pos
  const kind = classifyTopLine(s)
  switch (kind) {
    case 'text':
      addText(ctx, rawText(ctx, at, s.lineEnd()), at)
      s.skipRestOfLine()
      return null
    case 'quoted-text': {
      const text = s.readQuoted(CH.QUOTE) ?? ''
      s.skipRestOfLine()
      addText(ctx, text, at)
      return null
    }
    case 'group':
      return parseGroupHeader(ctx)
    case 'test':
      return parseTestHeader(ctx)
    case 'node':
    case 'edge': {
      const id = ctx.expectRef('a node id')
      if (id === null) return null
      if (kind === 'node') parseNode(ctx, null, id, at)
      else parseEdge(ctx, id, at)
      return null
    }
    case 'close':
      ctx.error(at, 1, 'unmatched-brace', 'unexpected "}": no group or test block is open here')
      s.pos++
      return null
    default:
      ctx.error(
        at,
        1,
        'syntax',
        `unexpected ${describeAt(ctx.source, at)}: free text cannot start with {, [ or ] (put such a line in double quotes)`,
      )
      s.skipRestOfLine()
      return null
  }
}

function addText(ctx: ParseContext, text: string, at: number): void {
  ctx.textSize += text.length + 1
  if (ctx.textSize > MAX_FREE_TEXT) {
    ctx.error(at, 1, 'too-much-text', 'more than 1 MiB of free text: this does not look like a workflow file')
    ctx.stopped = true
    return
  }
  ctx.text.push(text)
}

/** One line inside a group; returns the group still open afterwards (null when closed). */
function groupLine(ctx: ParseContext, group: GroupEntry): GroupEntry | null {
  const s = ctx.s
  const at = s.pos
  const c = s.peek()
  if (c === CH.RBRACE) {
    s.pos++
    return null
  }
  // The line's first id is read once and handed on: this loop runs for every node and edge.
  const id = c === CH.BACKTICK || isWordCode(c) ? ctx.expectRef('a node id') : null
  if (id === null) {
    if (s.pos === at)
      ctx.error(at, 1, 'syntax', `${expectedInGroup(group)}, found ${describeAt(ctx.source, at)}`)
    s.skipRestOfLine()
    return group
  }
  let next = s.peek()
  if (next === CH.DOT) {
    parseEdge(ctx, id, at)
    return group
  }
  const spaced = s.skipSpaces()
  next = s.peek()
  if (next === CH.COLON) {
    parseNode(ctx, group.group.id, id, at)
    return group
  }
  if (next === CH.LBRACE) {
    // Most likely a forgotten "}": report it, then carry on as if it had been there.
    ctx.error(
      at,
      id.length,
      'nested-group',
      `groups cannot be nested: expected "}" to close group ${group.group.id} (line ${ctx.lineOf(group.offset)}) before opening ${id}`,
    )
    s.pos = at
    return parseGroupHeader(ctx)
  }
  if (next === CH.QUOTE && spaced && id === 'test' && c !== CH.BACKTICK) {
    ctx.error(
      at,
      4,
      'nested-group',
      `a test block cannot be inside group ${group.group.id}: expected "}" to close the group first`,
    )
  } else ctx.error(at, 1, 'syntax', `${expectedInGroup(group)}, found ${describeAt(ctx.source, at)}`)
  s.skipRestOfLine()
  return group
}

function expectedInGroup(group: GroupEntry): string {
  return `expected a node (id: shape label:"…"), an edge (a.handle(side) -> b.handle(side)) or "}" to close group ${group.group.id}`
}
