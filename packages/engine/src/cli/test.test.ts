import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { type TestReport, testCommand } from './test'

const root = fileURLToPath(new URL('../../../../', import.meta.url))
const templates = join(root, 'packages/engine/templates')
const tmp = mkdtempSync(join(tmpdir(), 'flowline-test-'))

function file(name: string, content: string): string {
  const path = join(tmp, name)
  writeFileSync(path, content)
  return path
}

/** The command in-process, its output captured (spawning tsx per case is slow on busy machines). */
async function flowlineTest(...args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await testCommand(args, {
    out: (text) => {
      stdout += text
    },
    err: (text) => {
      stderr += text
    },
  })
  return { code, stdout, stderr, lastLine: stdout.trimEnd().split('\n').at(-1) }
}

// A page call takes "page"; the only case never tries "track", so t and d->t stay uncovered,
// and a second case expects the wrong branch.
const routing = `Routing
Pages and tracks go different ways.
s: circle label:"Start" type:start config:{}
d: diamond label:"Type?" type:decision config:{"subject":"event.type"}
p: rectangle label:"Page" type:transform config:{"vars":{"kind":"\\"page\\""}}
t: rectangle label:"Track" type:transform config:{"vars":{"kind":"\\"track\\""}}
s.handle(right) -> d.handle(left)
d.handle(right) -> p.handle(left) [label="page"]
d.handle(bottom) -> t.handle(top) [label="track"]
test "a page takes the page branch" {
  event: {"type": "page", "userId": "u1"}
  expect ran: s d p
  expect not ran: t
  assert "vars.kind = \\"page\\""
}
test "a page expected on the track branch" {
  event: {"type": "page", "userId": "u1"}
  expect ran: t
  assert "vars.kind = \\"track\\""
}
`

describe('flowline test', () => {
  it('runs every case of every file: ✓ per case, coverage per file, the totals as the last line', async () => {
    const r = await flowlineTest(join(templates, 'personalization.flow'), join(templates, 'ab-test.flow'))
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^✓ page view, confident prediction, push {2}16 steps · 1 mocked$/m)
    expect(r.stdout).toMatch(/^✓ allocation is deterministic: user-9001 always sees annual billing {2}/m)
    expect(r.stdout.match(/^coverage: .+$/gm)).toEqual([
      'coverage: 20/20 nodes, 23/23 edges',
      'coverage: 23/23 nodes, 27/27 edges',
    ])
    expect(r.lastLine).toBe('11 passed, 0 failed')
  })

  it('says why a case failed, what no case covered, and exits 1', async () => {
    const r = await flowlineTest(file('routing.flow', routing))
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('✓ a page takes the page branch  3 steps')
    expect(r.stdout).toContain(
      [
        '✗ a page expected on the track branch',
        '    expected t to run, but it was ruled out',
        '    assertion failed: vars.kind = "track" (got false)',
      ].join('\n'),
    )
    expect(r.stdout).toContain(
      'coverage: 3/4 nodes, 2/3 edges\n  not covered: nodes t "Track"; edges d->t [track]',
    )
    expect(r.lastLine).toBe('1 passed, 1 failed')
  })

  it('--json prints one report with every case, its path and the coverage', async () => {
    const r = await flowlineTest(file('routing-json.flow', routing), '--json')
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as TestReport
    expect(report).toMatchObject({ passed: 1, failed: 1 })
    const [f] = report.files
    expect(f.title).toBe('Routing')
    expect(f.cases.map((c) => [c.name, c.passed, c.ran])).toEqual([
      ['a page takes the page branch', true, ['s', 'd', 'p']],
      ['a page expected on the track branch', false, ['s', 'd', 'p']],
    ])
    expect(f.cases[0].edgesTaken).toEqual(['s->d', 'd->p'])
    expect(f.coverage).toEqual({
      nodes: { covered: 3, total: 4, missed: ['t'] },
      edges: { covered: 2, total: 3, missed: ['d->t'] },
    })
  })

  it('counts waits that took their timeout and steps that were mocked', async () => {
    const r = await flowlineTest(join(templates, 'billing-dispute.flow'), '--json')
    const [f] = (JSON.parse(r.stdout) as TestReport).files
    const timedOut = f.cases.find((c) => c.name.startsWith('no decision within 3 days'))
    expect(timedOut).toMatchObject({ passed: true, waitsSkipped: ['n10'], mocked: ['n4', 'n6', 'n12'] })
  })

  it('reports a file it cannot parse as FILE:LINE:COL on stderr, tests the others and exits 1', async () => {
    const bad = file('bad.flow', 'Broken\nn1: hexagon label:"x"\n')
    const r = await flowlineTest(bad, join(templates, 'api-key-rotation.flow'))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:5: .*shape`, 'm'))
    expect(r.stdout).toContain('coverage: 14/14 nodes, 15/15 edges')
    expect(r.lastLine).toBe('3 passed, 0 failed')
  })

  it('says so when a file does not exist, and when no file is given', async () => {
    const missing = await flowlineTest(join(tmp, 'nope.flow'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(`${join(tmp, 'nope.flow')}: cannot read the file: no such file\n`)
    const none = await flowlineTest('--json')
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/^flowline test: expected at least one FILE\nusage: flowline test FILE/)
  })

  it('a file without test cases passes with nothing covered', async () => {
    const r = await flowlineTest(
      file(
        'untested.flow',
        'Untested\na: circle label:"A"\nb: circle label:"B"\na.handle(right) -> b.handle(left)\n',
      ),
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('  (no test cases)\ncoverage: 0/2 nodes, 0/1 edges')
    expect(r.lastLine).toBe('0 passed, 0 failed')
  })

  it('is wired into the flowline binary (exit code and output)', { timeout: 60_000 }, () => {
    const pass = spawnSync(
      process.execPath,
      ['packages/engine/bin/flowline.mjs', 'test', 'packages/engine/templates/user-segmentation.flow'],
      { cwd: root, encoding: 'utf8' },
    )
    expect(pass.stderr).toBe('')
    expect(pass.status).toBe(0)
    expect(pass.stdout.trimEnd().split('\n').at(-1)).toBe('4 passed, 0 failed')
    const fail = spawnSync(
      process.execPath,
      ['packages/engine/bin/flowline.mjs', 'test', file('routing-bin.flow', routing)],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
    expect(fail.status).toBe(1)
  })
})
