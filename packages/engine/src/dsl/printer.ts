import { EdgeIdDeriver } from '../model/edge-id'
import type { TestCase, Workflow, WorkflowEdge, WorkflowNode } from '../model/schema'
import { quote } from './escape'
import { isBareWord } from './lexer'
import { isRawTextSafe } from './line-kind'

/** Lines longer than this get their JSON pretty-printed over several lines. */
const LINE_WIDTH = 110

/**
 * The canonical notation of a workflow (grammar: see parser.ts). Free text first, then
 * group blocks holding their nodes and the edges leaving them, as in the seed, then test
 * blocks. `parse(format(m))` equals `m` for every valid model (ids unique, endpoints and
 * groups existing, config/event/mocks plain JSON), so order is preserved exactly: when the
 * node or edge order interleaves groups, a group is reopened rather than reordered.
 * Throws only for values JSON cannot hold (functions, bigints, cycles).
 */
export function format(workflow: Workflow): string {
  // Pieces are pushed and joined once: building each line by concatenation first would
  // allocate every line twice, which dominates formatting a 10,000-node workflow.
  const out: string[] = []
  printText(workflow, out)
  const groupOf = new Map<string, string | null>()
  for (const node of workflow.nodes) groupOf.set(node.id, node.group)
  const titles = new Map(workflow.groups.map((g) => [g.id, g.title]))
  const opened = new Set<string>()
  let nextGroup = 0
  const ids = new EdgeIdDeriver()
  for (const segment of segments(workflow, groupOf)) {
    const g = segment.group
    if (g !== null) {
      const reopen = opened.has(g)
      // Groups first appear in the order of workflow.groups, so earlier empty ones open here.
      while (!reopen && nextGroup < workflow.groups.length && workflow.groups[nextGroup].id !== g) {
        const skipped = workflow.groups[nextGroup++].id
        if (!opened.has(skipped)) {
          openGroup(out, skipped, titles.get(skipped) ?? '', opened)
          out.push('}\n')
        }
      }
      if (!reopen && nextGroup < workflow.groups.length) nextGroup++
      if (reopen) out.push(ref(g), ' {\n')
      else openGroup(out, g, titles.get(g) ?? '', opened)
    }
    for (const node of segment.nodes) printNode(node, out)
    for (const edge of segment.edges) printEdge(edge, g, groupOf, ids.next(edge.source, edge.target), out)
    if (g !== null) out.push('}\n')
  }
  for (; nextGroup < workflow.groups.length; nextGroup++) {
    const id = workflow.groups[nextGroup].id
    if (opened.has(id)) continue
    openGroup(out, id, workflow.groups[nextGroup].title, opened)
    out.push('}\n')
  }
  for (const test of workflow.tests ?? []) printTest(test, out)
  return out.join('')
}

function openGroup(out: string[], id: string, title: string, opened: Set<string>): void {
  opened.add(id)
  if (title === '') out.push(ref(id), ' {\n')
  else out.push(ref(id), ' { # ', isRawTextSafe(title) ? title : quote(title), '\n')
}

function printText(workflow: Workflow, out: string[]): void {
  if (workflow.title === '' && workflow.description === '') return
  out.push(textLine(workflow.title), '\n')
  if (workflow.description === '') return
  for (const line of workflow.description.split('\n')) out.push(textLine(line), '\n')
}

function textLine(text: string): string {
  return isRawTextSafe(text) ? text : quote(text)
}

interface Segment {
  group: string | null
  nodes: WorkflowNode[]
  edges: WorkflowEdge[]
}

/**
 * Splits the model into blocks: maximal runs of nodes of one group, in node order. Each
 * edge goes, in edge order, into its source node's block, or when that block is before
 * the previous edge's, into the next block of the source's group (a new block at the end
 * when there is none). For the seed this is exactly its own layout; for any model, reading
 * the blocks back restores both orders.
 */
function segments(workflow: Workflow, groupOf: Map<string, string | null>): Segment[] {
  const list: Segment[] = []
  const byGroup = new Map<string | null, number[]>()
  const add = (group: string | null): Segment => {
    const segment: Segment = { group, nodes: [], edges: [] }
    const indices = byGroup.get(group)
    if (indices) indices.push(list.length)
    else byGroup.set(group, [list.length])
    list.push(segment)
    return segment
  }
  let current: Segment | null = null
  const home = new Map<string, number>()
  for (const node of workflow.nodes) {
    if (current === null || current.group !== node.group) current = add(node.group)
    current.nodes.push(node)
    home.set(node.id, list.length - 1)
  }
  // Per group, a cursor into its block indices; it only moves forward, like the edge pointer.
  const cursor = new Map<string | null, number>()
  let at = 0
  for (const edge of workflow.edges) {
    const own = home.get(edge.source)
    if (own !== undefined && own >= at) {
      at = own
      list[at].edges.push(edge)
      continue
    }
    const group = groupOf.get(edge.source) ?? null
    const indices = byGroup.get(group)
    let k = cursor.get(group) ?? 0
    while (indices && k < indices.length && indices[k] < at) k++
    cursor.set(group, k)
    if (indices && k < indices.length) at = indices[k]
    else {
      add(group)
      at = list.length - 1
    }
    list[at].edges.push(edge)
  }
  return list
}

function ref(id: string): string {
  return isBareWord(id) ? id : quote(id, '`')
}

function json(value: unknown, prefixLength: number): string {
  const compact = stringifyJson(value)
  if (compact === undefined) throw new Error('format: a config, event or mock must be a JSON value')
  if (prefixLength + compact.length <= LINE_WIDTH) return compact
  return stringifyJson(value, 2) as string
}

/**
 * JSON.stringify, except that -0 stays -0 (JSON.parse reads "-0" back as -0, but stringify
 * writes 0). A -0 prints as a bare 0, so only output with a bare 0 needs the slower pass
 * that marks -0 through a replacer.
 */
function stringifyJson(value: unknown, indent?: number): string | undefined {
  const plain = JSON.stringify(value, null, indent)
  if (plain === undefined || !BARE_ZERO.test(plain)) return plain
  let negativeZero = false
  JSON.stringify(value, (_key, v) => {
    if (v === 0 && 1 / v < 0) negativeZero = true
    return v
  })
  if (!negativeZero) return plain
  let mark = '@-0@'
  while (plain.includes(mark)) mark += '@'
  const marked = JSON.stringify(value, (_key, v) => (Object.is(v, -0) ? mark : v), indent)
  return marked.split(JSON.stringify(mark)).join('-0')
}

/** A number token that is exactly 0 (it may be inside a string too: then the check is only slower). */
const BARE_ZERO = /(?:^|[[,:\s])0(?=$|[,\]}\s])/

function num(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n)
}

function printNode(node: WorkflowNode, out: string[]): void {
  const id = ref(node.id)
  const label = quote(node.label)
  out.push(id, ': ', node.shape, ' label:', label)
  let width = id.length + node.shape.length + label.length + 9
  if (node.type !== undefined) {
    const type = isBareWord(node.type) ? node.type : quote(node.type)
    out.push(' type:', type)
    width += type.length + 6
  }
  if (node.position !== undefined) {
    const x = num(node.position.x)
    const y = num(node.position.y)
    out.push(' at:(', x, ',', y, ')')
    width += x.length + y.length + 7
  }
  if (node.config !== undefined) out.push(' config:', json(node.config, width + 8))
  out.push('\n')
}

function endpoint(id: string, block: string | null, groupOf: Map<string, string | null>): string {
  const g = groupOf.get(id) ?? null
  return g !== null && g !== block ? `${ref(g)}.${ref(id)}` : ref(id)
}

function printEdge(
  edge: WorkflowEdge,
  block: string | null,
  groupOf: Map<string, string | null>,
  derived: string,
  out: string[],
): void {
  out.push(
    endpoint(edge.source, block, groupOf),
    '.handle(',
    edge.sourceHandle,
    ') -> ',
    endpoint(edge.target, block, groupOf),
    '.handle(',
    edge.targetHandle,
    ')',
  )
  const custom = edge.id !== derived
  if (custom || edge.label !== undefined) {
    out.push(' [')
    if (custom) out.push('id=', quote(edge.id))
    if (edge.label !== undefined) out.push(custom ? ' label=' : 'label=', quote(edge.label))
    out.push(']')
  }
  out.push('\n')
}

function printTest(test: TestCase, out: string[]): void {
  out.push('test ', quote(test.name), ' {\n')
  out.push('  event: ', indentJson(json(test.event ?? null, 9)), '\n')
  const mocks = test.mocks
  if (mocks !== undefined) {
    const keys = Object.keys(mocks)
    if (keys.length === 0) out.push('  mocks: {}\n')
    for (const key of keys) {
      const prefix = `  mock ${ref(key)}: `
      out.push(prefix, indentJson(json(mocks[key], prefix.length)), '\n')
    }
  }
  if (test.expectRan !== undefined)
    out.push('  expect ran:', ...test.expectRan.map((id) => ` ${ref(id)}`), '\n')
  if (test.expectNotRan !== undefined) {
    out.push('  expect not ran:', ...test.expectNotRan.map((id) => ` ${ref(id)}`), '\n')
  }
  if (test.assertions !== undefined) {
    if (test.assertions.length === 0) out.push('  assertions: []\n')
    for (const assertion of test.assertions) out.push('  assert ', quote(assertion), '\n')
  }
  out.push('}\n')
}

function indentJson(text: string): string {
  return text.includes('\n') ? text.replace(/\n/g, '\n  ') : text
}
