import type { TestCase } from '../model/schema'
import { CH } from './lexer'
import { describeAt, type ParseContext } from './parse-context'
import { JSON_FAILED, readJson } from './parse-json'

/** A `test "name" {` block being read. */
export interface TestBlock {
  test: TestCase
  offset: number
  hasEvent: boolean
  seen: Set<string>
}

/** `test "name" {` — null when the header is broken (the block's lines are then skipped as errors). */
export function parseTestHeader(ctx: ParseContext): TestBlock | null {
  const s = ctx.s
  const offset = s.pos
  s.readWord()
  s.skipSpaces()
  const name = s.readQuoted(CH.QUOTE)
  if (name === null) {
    ctx.scanError('bad-string', 'test name')
    return null
  }
  s.skipSpaces()
  if (!ctx.expectChar(CH.LBRACE, `"{" after the test name`)) return null
  ctx.expectLineEnd('"{"')
  return { test: { name, event: undefined }, offset, hasEvent: false, seen: new Set() }
}

const EXPECTED = 'expected event:, mock ID:, expect ran:, expect not ran:, assert "…" or "}"'

/** Reads one line inside a test block; returns true when it closed the block. */
export function parseTestLine(ctx: ParseContext, block: TestBlock): boolean {
  const s = ctx.s
  if (s.peek() === CH.RBRACE) {
    s.pos++
    if (!block.hasEvent)
      ctx.error(
        block.offset,
        4,
        'syntax',
        `test "${block.test.name}" has no event: expected a line like event: {"type": "track"}`,
      )
    return true
  }
  const at = s.pos
  if (!s.readWord()) {
    ctx.error(at, 1, 'syntax', `${EXPECTED}, found ${describeAt(ctx.source, at)}`)
    s.skipRestOfLine()
    return false
  }
  const keyword = s.word()
  s.skipSpaces()
  switch (keyword) {
    case 'event':
      return field(ctx, block, keyword, at, () => {
        const event = readJson(ctx, `the event of test "${block.test.name}"`)
        if (event === JSON_FAILED) return
        block.test.event = event
        block.hasEvent = true
      })
    case 'mocks':
      return field(ctx, block, keyword, at, () => readMockObject(ctx, block))
    case 'mock': {
      const keyAt = s.pos
      const key = ctx.expectRef('a node id, as in mock n8: {…}')
      if (key === null) return false
      s.skipSpaces()
      if (!ctx.expectChar(CH.COLON, `":" after mock ${key}`)) return false
      s.skipSpaces()
      const output = readJson(ctx, `the mock of ${key}`)
      if (output !== JSON_FAILED) addMock(ctx, block, key, output, keyAt)
      if (output !== JSON_FAILED) ctx.expectLineEnd('the mock')
      return false
    }
    case 'expect':
      return readExpect(ctx, block, at)
    case 'assert': {
      const assertion = s.peek() === CH.QUOTE ? s.readQuoted(CH.QUOTE) : null
      if (assertion === null) {
        if (s.errMessage && s.peek() !== CH.QUOTE) ctx.scanError('bad-string')
        else
          ctx.error(
            s.pos,
            1,
            'syntax',
            `expected a quoted JSONata assertion, as in assert "steps.n10.output = true"`,
          )
        s.skipRestOfLine()
        return false
      }
      block.test.assertions ??= []
      block.test.assertions.push(assertion)
      ctx.expectLineEnd('the assertion')
      return false
    }
    case 'assertions':
      return field(ctx, block, keyword, at, () => {
        const list = readJson(ctx, 'assertions')
        if (list === JSON_FAILED) return
        if (!Array.isArray(list) || list.some((a) => typeof a !== 'string')) {
          ctx.error(at, keyword.length, 'bad-json', 'assertions: expected a JSON array of strings')
          return
        }
        block.test.assertions = [...(block.test.assertions ?? []), ...list]
      })
    default:
      ctx.error(at, keyword.length, 'syntax', `${EXPECTED}, found "${keyword}"`)
      s.skipRestOfLine()
      return false
  }
}

/** `keyword: value` that may appear once per test. */
function field(ctx: ParseContext, block: TestBlock, keyword: string, at: number, read: () => void): boolean {
  if (block.seen.has(keyword))
    ctx.error(
      at,
      keyword.length,
      'duplicate-attribute',
      `${keyword} is given twice in test "${block.test.name}"`,
    )
  block.seen.add(keyword)
  if (!ctx.expectChar(CH.COLON, `":" after ${keyword}`)) return false
  ctx.s.skipSpaces()
  const before = ctx.errorCount
  read()
  if (ctx.errorCount === before) ctx.expectLineEnd(keyword)
  else ctx.s.skipRestOfLine()
  return false
}

function readMockObject(ctx: ParseContext, block: TestBlock): void {
  const at = ctx.s.pos
  const mocks = readJson(ctx, 'mocks')
  if (mocks === JSON_FAILED) return
  if (mocks === null || typeof mocks !== 'object' || Array.isArray(mocks)) {
    ctx.error(at, 1, 'bad-json', 'mocks: expected a JSON object of node id → output')
    return
  }
  block.test.mocks ??= {}
  for (const [key, value] of Object.entries(mocks)) addMock(ctx, block, key, value, at)
}

function addMock(ctx: ParseContext, block: TestBlock, key: string, value: unknown, at: number): void {
  block.test.mocks ??= {}
  if (Object.hasOwn(block.test.mocks, key)) {
    ctx.error(at, key.length, 'duplicate-attribute', `${key} is mocked twice in test "${block.test.name}"`)
    return
  }
  // defineProperty, so a node called __proto__ is data, not a prototype swap.
  Object.defineProperty(block.test.mocks, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  })
}

/** `expect ran: n1 n2 …` or `expect not ran: n5 …` (an empty list is allowed and kept). */
function readExpect(ctx: ParseContext, block: TestBlock, at: number): boolean {
  const s = ctx.s
  let negated = false
  if (s.readWord() && s.word() === 'not') {
    negated = true
    s.skipSpaces()
    s.readWord()
  }
  if (s.word() !== 'ran') {
    ctx.error(
      s.tokStart,
      Math.max(1, s.tokEnd - s.tokStart),
      'syntax',
      `expected "expect ran:" or "expect not ran:", found ${describeAt(ctx.source, s.tokStart)}`,
    )
    s.skipRestOfLine()
    return false
  }
  const key = negated ? 'expect not ran' : 'expect ran'
  if (block.seen.has(key))
    ctx.error(at, 6, 'duplicate-attribute', `"${key}" is given twice in test "${block.test.name}"`)
  block.seen.add(key)
  s.skipSpaces()
  if (!ctx.expectChar(CH.COLON, `":" after ${key}`)) return false
  const ids: string[] = []
  for (;;) {
    s.skipSpaces()
    if (s.atLineEnd()) break
    const id = ctx.expectRef('a node id')
    if (id === null) return false
    ids.push(id)
  }
  if (negated) block.test.expectNotRan = ids
  else block.test.expectRan = ids
  return false
}
