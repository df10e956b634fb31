import { describe, expect, it } from 'vitest'
import seed from '../dsl/fixtures/seed.flow?raw'
import { parse } from '../dsl/parser'
import type { Workflow } from '../model/schema'
import { hasErrors, validate } from './validate'

function flow(source: string): Workflow {
  const { workflow, diagnostics } = parse(source)
  if (!workflow) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'))
  return workflow
}

function codes(workflow: Workflow): string[] {
  return validate(workflow).map(
    (i) => `${i.severity} ${i.code}${i.nodeId ? ` ${i.nodeId}` : ''}${i.edgeId ? ` ${i.edgeId}` : ''}`,
  )
}

/** start → decision on event.score → two typed ends; `branches` are the decision's edges. */
function decision(...labels: string[]): Workflow {
  const lines = [
    's: circle type:start',
    'd: diamond config:{"subject": "event.score"}',
    's.handle(right) -> d.handle(left)',
  ]
  labels.forEach((label, i) => {
    lines.push(
      `e${i}: circle type:end`,
      `d.handle(right) -> e${i}.handle(left) [label=${JSON.stringify(label)}]`,
    )
  })
  return flow(lines.join('\n'))
}

describe('validate', () => {
  it('flags the seed’s decisions n4, n10 and n17 for lacking a subject, and its untyped steps', () => {
    const issues = validate(flow(seed))
    const errors = issues.filter((i) => i.severity === 'error')
    expect(errors.map((i) => [i.code, i.nodeId])).toEqual([
      ['decision-missing-subject', 'n4'],
      ['decision-missing-subject', 'n10'],
      ['decision-missing-subject', 'n17'],
    ])
    expect(errors[0].message).toMatch(/n4/)
    expect(issues.filter((i) => i.code === 'pass-through-step')).toHaveLength(15)
    expect(hasErrors(issues)).toBe(true)
  })

  it('accepts a complete typed workflow without issues', () => {
    const w = flow(`Shop
s: circle type:start
h: rectangle type:http-request config:{"method": "POST", "url": "https://api.example.com/{{ event.userId }}", "body": "{\\"id\\": event.userId}"}
d: diamond type:decision config:{"subject": "steps.h.output.body.confidence"}
a: rectangle type:transform config:{"vars": {"x": "1 + 1"}}
e: circle type:end
s.handle(right) -> h.handle(left)
h.handle(right) -> d.handle(left)
d.handle(right) -> a.handle(left) [label="> 0.7"]
d.handle(bottom) -> e.handle(left) [label="else"]
a.handle(right) -> e.handle(top)`)
    expect(validate(w)).toEqual([])
  })

  it('requires exactly one start and a reachable end', () => {
    expect(
      codes(
        flow(
          'a: rectangle type:pass-through\nb: circle\na.handle(right) -> b.handle(left)\nb.handle(right) -> a.handle(left)',
        ),
      ),
    ).toContain('error start-missing')
    expect(
      codes(
        flow(
          's: circle\nt: circle\ne: circle\ns.handle(right) -> e.handle(left)\nt.handle(right) -> e.handle(left)',
        ),
      ),
    ).toEqual(['error start-multiple t'])
    const noEnd = flow(
      's: circle type:start\na: rectangle type:pass-through\ns.handle(right) -> a.handle(left)\na.handle(right) -> s.handle(left)',
    )
    expect(codes(noEnd)).toContain('error end-unreachable s')
  })

  it('reports dead ends, unreachable nodes and edges to missing nodes', () => {
    const w = flow(
      's: circle\nx: rectangle type:pass-through\ne: circle\nlost: rectangle type:pass-through\ns.handle(right) -> x.handle(left)\ns.handle(right) -> e.handle(left)\nlost.handle(right) -> e.handle(left)',
    )
    expect(codes(w)).toEqual(['error dead-end x', 'warning node-unreachable lost'])
    w.edges.push({ id: 'ghost', source: 's', sourceHandle: 'right', target: 'nowhere', targetHandle: 'left' })
    const ghost = validate(w).find((i) => i.code === 'edge-missing-node')
    expect(ghost).toMatchObject({ severity: 'error', edgeId: 'ghost' })
    expect(ghost?.message).toMatch(/nowhere/)
  })

  it('checks node types, configs and expressions', () => {
    const w = flow(`s: circle type:start
a: rectangle type:teleport
b: rectangle type:http-request config:{"method": "FETCH"}
c: rectangle type:transform config:{"vars": {"x": "event.("}}
d: rectangle type:http-request config:{"url": "https://x/{{ event.id"}
e: circle type:end
s.handle(right) -> a.handle(left)
a.handle(right) -> b.handle(left)
b.handle(right) -> c.handle(left)
c.handle(right) -> d.handle(left)
d.handle(right) -> e.handle(left)`)
    const issues = validate(w)
    expect(issues.map((i) => `${i.code} ${i.nodeId}`)).toEqual([
      'unknown-node-type a',
      'config-invalid b',
      'expression-invalid c',
      'expression-invalid d',
    ])
    expect(issues[0].message).toMatch(/teleport/)
    expect(issues[1].message).toMatch(/config\.method/)
    expect(issues[2].message).toMatch(/vars\.x does not compile/)
  })

  it('allows loops that can be left, but not loops without an exit', () => {
    const leaving = decision('> 1', '<= 1')
    leaving.edges.push({ id: 'back', source: 'e0', sourceHandle: 'bottom', target: 'd', targetHandle: 'top' })
    leaving.nodes[2].type = 'pass-through'
    expect(codes(leaving)).toEqual([])
    const trapped = flow(
      's: circle\na: rectangle type:pass-through\nb: rectangle type:pass-through\ne: circle\ns.handle(right) -> a.handle(left)\ns.handle(bottom) -> e.handle(left)\na.handle(right) -> b.handle(left)\nb.handle(right) -> a.handle(left)',
    )
    expect(codes(trapped)).toEqual(['error cycle-without-exit a'])
    expect(validate(trapped)[0].message).toMatch(/a, b form a loop/)
  })

  it('warns when a test case names nodes that do not exist', () => {
    const w = decision('> 1', '<= 1')
    w.tests = [{ name: 'old', event: {}, expectRan: ['s', 'gone'] }]
    expect(codes(w)).toEqual(['warning test-unknown-node gone'])
  })
})

describe('decision rules', () => {
  it('needs two labelled branches with valid conditions and at most one else', () => {
    expect(codes(decision('x'))).toEqual(['error decision-too-few-branches d'])
    const unlabelled = decision('a', 'b')
    delete unlabelled.edges[2].label
    expect(codes(unlabelled)).toEqual(['error decision-unlabelled-branch d d->e1'])
    expect(codes(decision('a', '> high'))).toEqual(['error decision-invalid-condition d d->e1'])
    expect(codes(decision('a', 'else', 'ELSE'))).toEqual(['error decision-multiple-else d d->e2'])
  })

  it('finds duplicate and overlapping conditions', () => {
    expect(codes(decision('page', 'page'))).toEqual(['error decision-duplicate-condition d d->e1'])
    expect(codes(decision('5', '"5"'))).toEqual(['error decision-duplicate-condition d d->e1'])
    expect(codes(decision('> 0.5', '> 0.7', 'else'))).toEqual([
      'error decision-overlapping-conditions d d->e1',
    ])
    expect(codes(decision('<= 3', '>= 3'))).toEqual(['error decision-overlapping-conditions d d->e1'])
    expect(codes(decision('< 3', '>= 3'))).toEqual([])
    expect(codes(decision('!= page', 'page'))).toEqual([])
    expect(codes(decision('!= page', 'email'))).toEqual(['error decision-overlapping-conditions d d->e1'])
  })

  it('finds numeric gaps unless there is an else', () => {
    const gap = validate(decision('> 0.7', '< 0.5'))
    expect(gap.map((i) => i.code)).toEqual(['decision-numeric-gap'])
    expect(gap[0].message).toMatch(/values in \[0\.5, 0\.7\]/)
    expect(codes(decision('> 0.7', '<= 0.7'))).toEqual([])
    expect(codes(decision('> 0.7', '< 0.5', 'else'))).toEqual([])
    expect(validate(decision('> 5', '< 5'))[0].message).toMatch(/the value 5/)
    expect(validate(decision('> 5', '1'))[0].message).toMatch(/values < 1, values in \(1, 5\]/)
    expect(codes(decision('page', 'email'))).toEqual([])
  })
})

describe('performance', () => {
  it('validates 10,000 nodes and 15,000 edges quickly', () => {
    const n = 10_000
    const nodes: Workflow['nodes'] = []
    const edges: Workflow['edges'] = []
    for (let i = 0; i < n; i++) {
      const shape = i === 0 || i === n - 1 ? 'circle' : i % 4 === 0 ? 'diamond' : 'rectangle'
      const node: Workflow['nodes'][number] = { id: `n${i}`, group: null, shape, label: `Step ${i}` }
      if (shape === 'diamond') node.config = { subject: 'event.score' }
      if (shape === 'rectangle') node.type = 'pass-through'
      nodes.push(node)
    }
    const edge = (s: number, t: number, label?: string) =>
      edges.push({
        id: `e${edges.length}`,
        source: `n${s}`,
        sourceHandle: 'right',
        target: `n${t}`,
        targetHandle: 'left',
        ...(label ? { label } : {}),
      })
    for (let i = 0; i < n - 1; i++) edge(i, i + 1, nodes[i].shape === 'diamond' ? 'else' : undefined)
    for (let i = 4; i + 3 < n; i += 4) edge(i, i + 3, '> 0.5')
    for (let i = 1; edges.length < 15_000; i += 2) edge(i, i + 2)
    const workflow: Workflow = { title: 'big', description: '', groups: [], nodes, edges }
    expect(validate(workflow)).toEqual([])
  })
})
