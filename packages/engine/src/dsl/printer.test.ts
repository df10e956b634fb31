import { describe, expect, it } from 'vitest'
import type { Workflow } from '../model/schema'
import { parse } from './parser'
import { format } from './printer'

const base: Workflow = { title: 'T', description: '', groups: [], nodes: [], edges: [] }

describe('format', () => {
  it('writes an empty workflow as nothing and an empty title as ""', () => {
    expect(format({ ...base, title: '' })).toBe('')
    expect(format({ ...base, title: '', description: 'only a description' })).toBe('""\nonly a description\n')
    expect(format({ ...base, description: 'a\n\n  b' })).toBe('T\na\n""\n"  b"\n')
  })

  it('quotes free text that would read as syntax, and titles that need escapes', () => {
    const w: Workflow = {
      ...base,
      title: 'n1: circle label:"x"',
      description: 'G {\n}tail\n"quoted"',
      groups: [{ id: 'G', title: ' padded' }],
    }
    expect(format(w)).toBe('"n1: circle label:\\"x\\""\n"G {"\n"}tail"\n"\\"quoted\\""\nG { # " padded"\n}\n')
  })

  it('writes extension attributes in a fixed order and JSON compactly, or spread when long', () => {
    const w: Workflow = {
      ...base,
      nodes: [
        {
          id: 'n1',
          group: null,
          shape: 'rectangle',
          label: 'Call',
          type: 'http-request',
          config: { method: 'POST' },
          position: { x: -0, y: 1.5 },
        },
        {
          id: 'odd id',
          group: null,
          shape: 'circle',
          label: 'x',
          config: { url: 'https://example.com/'.repeat(6) },
        },
      ],
    }
    expect(format(w)).toBe(
      'T\nn1: rectangle label:"Call" type:http-request at:(-0,1.5) config:{"method":"POST"}\n' +
        '`odd id`: circle label:"x" config:{\n  "url": "' +
        'https://example.com/'.repeat(6) +
        '"\n}\n',
    )
  })

  it('writes an edge id only when it differs from the one derived from its ends', () => {
    const w: Workflow = {
      ...base,
      nodes: [
        { id: 'a', group: null, shape: 'circle', label: '' },
        { id: 'b', group: null, shape: 'circle', label: '' },
      ],
      edges: [
        { id: 'a->b', source: 'a', sourceHandle: 'right', target: 'b', targetHandle: 'left' },
        { id: 'e2', source: 'a', sourceHandle: 'bottom', target: 'b', targetHandle: 'top', label: 'x' },
      ],
    }
    expect(format(w)).toContain(
      'a.handle(right) -> b.handle(left)\na.handle(bottom) -> b.handle(top) [id="e2" label="x"]\n',
    )
  })

  it('keeps interleaved node order by reopening groups, and empty groups in order', () => {
    const w: Workflow = {
      ...base,
      groups: [
        { id: 'Empty', title: 'Nothing here' },
        { id: 'A', title: 'First' },
        { id: 'B', title: '' },
      ],
      nodes: [
        { id: 'a1', group: 'A', shape: 'circle', label: '' },
        { id: 'free', group: null, shape: 'rectangle', label: '' },
        { id: 'a2', group: 'A', shape: 'circle', label: '' },
      ],
      edges: [
        { id: 'a2->a1', source: 'a2', sourceHandle: 'right', target: 'a1', targetHandle: 'left' },
        { id: 'free->a1', source: 'free', sourceHandle: 'right', target: 'a1', targetHandle: 'left' },
      ],
    }
    const text = format(w)
    expect(text).toBe(
      [
        'T',
        'Empty { # Nothing here',
        '}',
        'A { # First',
        'a1: circle label:""',
        '}',
        'free: rectangle label:""',
        'A {',
        'a2: circle label:""',
        'a2.handle(right) -> a1.handle(left)',
        '}',
        'free.handle(right) -> A.a1.handle(left)',
        'B {',
        '}',
        '',
      ].join('\n'),
    )
    expect(parse(text).workflow).toStrictEqual(w)
  })

  it('writes test cases, with JSON forms for empty mocks and assertions', () => {
    const w: Workflow = {
      ...base,
      tests: [
        {
          name: 'push',
          event: { type: 'track' },
          mocks: { n8: { status: 200 } },
          expectRan: ['n1'],
          expectNotRan: [],
          assertions: ['steps.n1 = 1'],
        },
        { name: 'bare', event: null, mocks: {}, assertions: [] },
      ],
    }
    expect(format(w)).toBe(
      'T\ntest "push" {\n  event: {"type":"track"}\n  mock n8: {"status":200}\n  expect ran: n1\n  expect not ran:\n  assert "steps.n1 = 1"\n}\n' +
        'test "bare" {\n  event: null\n  mocks: {}\n  assertions: []\n}\n',
    )
  })
})
