import { describe, expect, it } from 'vitest'
import seed from './fixtures/seed.flow?raw'
import { parse } from './parser'

function errors(source: string) {
  const result = parse(source, { file: 'w.flow' })
  expect(result.workflow).toBeNull()
  return result.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`)
}

describe('the seed file', () => {
  const { workflow, diagnostics } = parse(seed)

  it('parses without diagnostics into 20 nodes, 23 edges and 3 titled groups', () => {
    expect(diagnostics).toEqual([])
    expect(workflow?.nodes).toHaveLength(20)
    expect(workflow?.edges).toHaveLength(23)
    expect(workflow?.groups).toEqual([
      { id: 'MakeScenario', title: 'Make.com Scenario' },
      { id: 'MLModel', title: 'Make.com HTTP Module' },
      { id: 'ContentDelivery', title: 'Make.com Iterator' },
    ])
  })

  it('keeps shapes, labels and groups of the nodes', () => {
    const diamonds = workflow?.nodes.filter((n) => n.shape === 'diamond').map((n) => n.id)
    expect(diamonds).toEqual(['n4', 'n10', 'n17'])
    expect(workflow?.nodes[0]).toStrictEqual({
      id: 'n1',
      group: 'MakeScenario',
      shape: 'circle',
      label: 'Start',
    })
    expect(workflow?.nodes.find((n) => n.id === 'n8')).toStrictEqual({
      id: 'n8',
      group: 'MLModel',
      shape: 'rectangle',
      label: 'POST to recommendation API',
    })
    expect(workflow?.nodes[19]).toStrictEqual({
      id: 'n20',
      group: 'ContentDelivery',
      shape: 'circle',
      label: 'End',
    })
  })

  it('keeps handles and labels of the edges, cross-group targets resolved to plain ids', () => {
    const labels = workflow?.edges.filter((e) => e.label !== undefined).map((e) => e.label)
    expect(labels).toEqual([
      'page',
      'purchase',
      'signup',
      'Predict',
      'Predict',
      'Predict',
      '> 0.7',
      '<= 0.7',
      'Personalized',
      'Default',
      'email',
      'push',
    ])
    expect(workflow?.edges[6]).toStrictEqual({
      id: 'n5->n8',
      source: 'n5',
      sourceHandle: 'bottom',
      target: 'n8',
      targetHandle: 'top',
      label: 'Predict',
    })
    expect(workflow?.edges[22]).toStrictEqual({
      id: 'n19->n20',
      source: 'n19',
      sourceHandle: 'right',
      target: 'n20',
      targetHandle: 'top',
    })
  })

  it('reads the first line as title and all other free text, including text glued after "}", as description', () => {
    expect(workflow?.title).toBe('User Segmentation Workflow')
    const lines = workflow?.description.split('\n') ?? []
    expect(lines).toHaveLength(8)
    expect(lines[1]).toMatch(/^Make\.com automation scenario/)
    expect(lines[2]).toMatch(/^User segmentation workflow with attribute collection/)
    expect(lines[7]).toMatch(/^Billing dispute workflow/)
    expect(workflow).not.toHaveProperty('tests')
  })

  it('parses the same with \\r\\n line ends', () => {
    expect(parse(seed.replace(/\n/g, '\r\n')).workflow).toStrictEqual(workflow)
  })
})

describe('extensions', () => {
  it('reads type, position and multi-line JSON config', () => {
    const { workflow, diagnostics } = parse(
      [
        'n1: circle label:"Start" type:start at:(-12.5,3e2)',
        'n2: rectangle label:"POST" type:http-request config:{',
        '  "method": "POST",',
        '  "headers": {"x": "}{"}',
        '} at:(0,-0)',
        '`odd id`: diamond label:"" type:"my type"',
        'n1.handle(right) -> n2.handle(left) [id="e1" label="a \\"b\\" \\\\ c\\nd"]',
      ].join('\n'),
    )
    expect(diagnostics).toEqual([])
    expect(workflow?.nodes).toStrictEqual([
      {
        id: 'n1',
        group: null,
        shape: 'circle',
        label: 'Start',
        type: 'start',
        position: { x: -12.5, y: 300 },
      },
      {
        id: 'n2',
        group: null,
        shape: 'rectangle',
        label: 'POST',
        type: 'http-request',
        config: { method: 'POST', headers: { x: '}{' } },
        position: { x: 0, y: -0 },
      },
      { id: 'odd id', group: null, shape: 'diamond', label: '', type: 'my type' },
    ])
    expect(workflow?.edges[0]).toMatchObject({ id: 'e1', label: 'a "b" \\ c\nd' })
  })

  it('reads test blocks into Workflow.tests', () => {
    const { workflow, diagnostics } = parse(
      [
        'n1: circle label:"Start"',
        'test "purchase, push" {',
        '  event: {"type": "track", "event": "Order Completed"}',
        '  mock n8: {"status": 200, "headers": {}, "body": {"confidence": 0.9}}',
        '  expect ran: n1 n2 `n 3`',
        '  expect not ran:',
        '  assert "steps.n10.output = true"',
        '}',
        'test "empty" {',
        '  event: null',
        '  mocks: {}',
        '  assertions: []',
        '}',
      ].join('\n'),
    )
    expect(diagnostics).toEqual([])
    expect(workflow?.tests).toStrictEqual([
      {
        name: 'purchase, push',
        event: { type: 'track', event: 'Order Completed' },
        mocks: { n8: { status: 200, headers: {}, body: { confidence: 0.9 } } },
        expectRan: ['n1', 'n2', 'n 3'],
        expectNotRan: [],
        assertions: ['steps.n10.output = true'],
      },
      { name: 'empty', event: null, mocks: {}, assertions: [] },
    ])
  })

  it('treats description lines that merely contain colons, dots or braces as text', () => {
    const text = [
      'Owner: marketing team',
      'Uses Node.js(tm) and Make.com',
      'Marketing {beta} workflow',
      '# not a comment',
      'test drive',
    ]
    const { workflow } = parse(text.join('\n'))
    expect(workflow?.title).toBe(text[0])
    expect(workflow?.description).toBe(text.slice(1).join('\n'))
  })

  it('reads a whole-line quoted string as free text, so empty titles and odd lines survive', () => {
    const { workflow } = parse('""\n"  padded  "\n"n1: circle"\nplain')
    expect(workflow?.title).toBe('')
    expect(workflow?.description).toBe('  padded  \nn1: circle\nplain')
  })

  it('lets a group be reopened and keeps its first title', () => {
    const { workflow, diagnostics } = parse(
      'A { # Title\nn1: circle\n}\nB {\nn2: circle\n}\nA {\nn3: circle\n}',
    )
    expect(diagnostics).toEqual([])
    expect(workflow?.groups).toEqual([
      { id: 'A', title: 'Title' },
      { id: 'B', title: '' },
    ])
    expect(workflow?.nodes.map((n) => `${n.id}@${n.group}`)).toEqual(['n1@A', 'n2@B', 'n3@A'])
  })

  it('derives edge ids from the ends, numbering repeated pairs', () => {
    const { workflow } = parse(
      'a: circle\nb: circle\na.handle(right) -> b.handle(left)\na.handle(bottom) -> b.handle(top)',
    )
    expect(workflow?.edges.map((e) => e.id)).toEqual(['a->b', 'a->b#2'])
  })
})

describe('errors', () => {
  it('points at the offending token of each semantic error, all in one pass', () => {
    const source = [
      'Broken',
      'A { # Group A',
      'n1: circle label:"Start"',
      'n2: hexagon label:"Oops"',
      'n1.handle(right) -> n9.handle(left)',
      'n1.handle(up) -> n2.handle(left)',
      'n2.handle(right) -> Nope.n1.handle(left)',
      'n1: circle label:"again"',
      '}',
    ].join('\n')
    expect(errors(source)).toEqual([
      '4:5 bad-shape: unknown shape "hexagon": expected circle, rectangle or diamond',
      '5:21 unknown-node: unknown node "n9": expected the id of a node defined in this file',
      '6:11 bad-side: unknown side "up": expected top, right, bottom or left',
      '7:21 unknown-group: unknown group "Nope": expected one of A',
      '8:1 duplicate-id: duplicate node id n1: already defined on line 3',
    ])
  })

  it('reports unclosed blocks at their header and nested groups where they open', () => {
    expect(errors('T\nA { # a\nn1: circle\n')).toEqual([
      '2:1 unclosed-block: group A is not closed: expected "}" before the end of the file',
    ])
    expect(errors('A {\nn1: circle\nB {\nn2: circle\n}')[0]).toBe(
      '3:1 nested-group: groups cannot be nested: expected "}" to close group A (line 1) before opening B',
    )
    expect(errors('test "x" {\n  event: {}\n')[0]).toMatch(/^1:1 unclosed-block: test "x" is not closed/)
  })

  it('says what was expected for broken syntax', () => {
    expect(errors('A {\nn1 circle\n}')[0]).toMatch(/^2:1 syntax: expected a node .* found "n1"/)
    expect(errors('n1: circle label:"open')[0]).toBe(
      '1:18 bad-string: unterminated string: expected a closing " before the end of the line',
    )
    expect(errors('n1: circle label:"a\\qb"')[0]).toMatch(/^1:20 bad-string: unknown escape \\q/)
    expect(errors('n1: circle colour:"red"')[0]).toMatch(
      /^1:12 unknown-attribute: expected an attribute .* found "colour"/,
    )
    expect(errors('a: circle\nb: circle\na.handle(right) b.handle(left)')[0]).toMatch(
      /^3:17 syntax: expected "->" after a.handle\(right\), found "b.handle\(left\)"/,
    )
    expect(errors('a: circle\na.handle(right) -> a.handle(left) [weight="2"]')[0]).toMatch(
      /^2:36 unknown-attribute/,
    )
    expect(errors('n1: circle config:{"a": 1,}')[0]).toMatch(
      /^1:27 bad-json: invalid JSON in the config of node n1: /,
    )
    expect(errors('n1: circle config:{"a": [1,\n2')[0]).toMatch(/^1:19 bad-json: .*never closed/)
    expect(errors('Title\n}')[0]).toBe(
      '2:1 unmatched-brace: unexpected "}": no group or test block is open here',
    )
  })

  it('requires a qualifier to name the node’s own group', () => {
    expect(errors('A {\nn1: circle\n}\nB {\nn2: circle\nn2.handle(right) -> B.n1.handle(left)\n}')).toEqual([
      '6:21 wrong-group: node n1 is in group A, not in B',
    ])
  })

  it('rejects duplicate edge ids, explicit or derived', () => {
    expect(
      errors(
        'a: circle\nb: circle\na.handle(right) -> b.handle(left)\nb.handle(right) -> a.handle(left) [id="a->b"]',
      )[0],
    ).toMatch(/^4:39 duplicate-id: duplicate edge id "a->b": already used by the edge on line 3/)
  })

  it('fails fast and cleanly on deep nesting and on garbage', () => {
    const started = performance.now()
    const deep = parse(`A {\n${'a {\n'.repeat(100_000)}`)
    expect(deep.diagnostics.length).toBeLessThanOrEqual(101)
    expect(deep.diagnostics.at(-1)?.code).toBe('too-many-errors')
    const brackets = parse(`n1: circle config:${'['.repeat(100_000)}${']'.repeat(100_000)}`)
    expect(brackets.diagnostics[0].message).toMatch(/nested deeper than 1000 levels/)
    const braces = parse('{'.repeat(100_000))
    expect(braces.diagnostics).toHaveLength(1)
    let garbage = ''
    for (let i = 0; garbage.length < 10_000_000; i++)
      garbage += `${String.fromCharCode(33 + (i % 90))}x${i % 7 === 0 ? '\n' : ' '}`.repeat(50)
    const text = parse(garbage)
    expect(text.workflow).toBeNull()
    const binary = parse('\u0000\u0001\u0002'.repeat(3_000_000))
    expect(binary.diagnostics[0].code).toBe('control-character')
    // Not a speed target (bench/engine-dsl.ts has those): it catches a parser that hangs.
    expect(performance.now() - started).toBeLessThan(20_000)
  })

  it('caps the number of diagnostics', () => {
    const { diagnostics } = parse(`A {\n${'?\n'.repeat(1000)}}`)
    expect(diagnostics).toHaveLength(101)
  })
})
