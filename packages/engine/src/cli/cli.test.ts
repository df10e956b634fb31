import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = resolve(fileURLToPath(import.meta.url), '../../../../..')
const bin = join(root, 'packages/engine/bin/flowline.mjs')
const fixture = join(root, 'packages/engine/src/dsl/fixtures/seed.flow')
const sharedSeed = resolve(root, '../shared/seeds/000_afcd5065394e5a39.txt')
const tmp = mkdtempSync(join(tmpdir(), 'flowline-cli-'))

interface Run {
  code: number
  stdout: string
  stderr: string
}

function flowline(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile('node', [bin, ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      done({ code, stdout, stderr })
    })
  })
}

function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name)
  writeFileSync(path, content)
  return path
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)

describe('flowline CLI', () => {
  it('uses an exact copy of the shared seed as its fixture', () => {
    if (!existsSync(sharedSeed)) return
    expect(readFileSync(fixture, 'utf8')).toBe(readFileSync(sharedSeed, 'utf8'))
  })

  it('parse prints the seed model: 20 nodes, 23 edges, 3 groups', async () => {
    const { code, stdout } = await flowline('parse', fixture)
    expect(code).toBe(0)
    const model = JSON.parse(stdout)
    expect(model.nodes).toHaveLength(20)
    expect(model.edges).toHaveLength(23)
    expect(model.groups.map((g: { title: string }) => g.title)).toEqual([
      'Make.com Scenario',
      'Make.com HTTP Module',
      'Make.com Iterator',
    ])
  })

  it('format prints canonical notation that formats to itself', async () => {
    const first = await flowline('format', fixture)
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('n10.handle(right) -> n11.handle(left) [label="> 0.7"]')
    const second = await flowline('format', file('formatted.flow', first.stdout))
    expect(second.stdout).toBe(first.stdout)
  })

  it('validate exits 1 naming the decisions without a subject', async () => {
    const { code, stdout } = await flowline('validate', fixture)
    expect(code).toBe(1)
    for (const [id, line] of [
      ['n4', 8],
      ['n10', 25],
      ['n17', 40],
    ]) {
      expect(stdout).toMatch(
        new RegExp(
          `seed\\.flow:${line}:1: error: decision ${id} .*no subject.*\\[decision-missing-subject\\]`,
        ),
      )
    }
    expect(stdout).toMatch(/3 errors, 15 warnings/)
  })

  it('validate --json prints {"issues": […]} and exits 0 for a clean workflow', async () => {
    const seedRun = await flowline('validate', fixture, '--json')
    expect(seedRun.code).toBe(1)
    const { issues } = JSON.parse(seedRun.stdout)
    expect(issues.filter((i: { severity: string }) => i.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'decision-missing-subject', nodeId: 'n4' }),
      expect.objectContaining({ code: 'decision-missing-subject', nodeId: 'n10' }),
      expect.objectContaining({ code: 'decision-missing-subject', nodeId: 'n17' }),
    ])
    const clean = file(
      'clean.flow',
      'Clean\ns: circle type:start\ne: circle type:end\ns.handle(right) -> e.handle(left)\n',
    )
    const ok = await flowline('validate', '--json', clean)
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toEqual({ issues: [] })
  })

  it('validate --connections checks steps against the connections that exist, as the server does', async () => {
    const template = join(root, 'packages/engine/templates/personalization.flow')
    // Without a list there is nothing to check connection references against.
    expect((await flowline('validate', template)).code).toBe(0)
    const none = file('none.json', '[]')
    const run = await flowline('validate', template, '--json', '--connections', none)
    expect(run.code).toBe(1)
    const missing = JSON.parse(run.stdout).issues.filter(
      (i: { code: string }) => i.code === 'connection-missing',
    )
    expect(missing.map((i: { nodeId: string }) => i.nodeId)).toEqual(['n15', 'n16', 'n18', 'n19'])
    const bad = await flowline('validate', template, '--connections', file('bad.json', '{"id": 1}'))
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/expected a JSON array of \{"id", "name", "type"\}/)
  })

  it('reports malformed files as FILE:LINE:COL: message with a code frame, exit 1', async () => {
    const bad = file(
      'bad.flow',
      'Title\nA { # a\nn1: circle label:"x"\nn1.handle(up) -> n9.handle(left)\n}\n',
    )
    for (const command of ['parse', 'format', 'validate']) {
      const { code, stdout, stderr } = await flowline(command, bad)
      expect(code).toBe(1)
      expect(stdout).toBe('')
      const lines = stderr.split('\n')
      expect(lines[0]).toBe(`${bad}:4:11: unknown side "up": expected top, right, bottom or left`)
      expect(stderr).toContain(`${bad}:4:18: unknown node "n9"`)
      expect(stderr).toMatch(/> 4 \| n1\.handle\(up\)/)
      noStackTrace(stderr)
    }
  })

  it('fails cleanly on unreadable files, binary garbage and deep nesting', async () => {
    const missing = await flowline('parse', join(tmp, 'nope.flow'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/nope\.flow: cannot read the file: no such file/)
    const dir = await flowline('parse', tmp)
    expect(dir.stderr).toMatch(/it is a directory/)

    const bytes = Buffer.alloc(10_000_000)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24
    const binary = await flowline('parse', file('garbage.bin', bytes))
    expect(binary.code).toBe(1)
    expect(binary.stderr).toMatch(/garbage\.bin:\d+:\d+: /)
    noStackTrace(binary.stderr)

    const text = await flowline('parse', file('garbage.txt', 'lorem ipsum dolor sit amet '.repeat(400_000)))
    expect(text.code).toBe(1)
    expect(text.stderr).toMatch(/garbage\.txt:1:1: more than 1 MiB of free text/)

    const deep = await flowline(
      'validate',
      file('deep.flow', `A {\n${'B {\n'.repeat(100_000)}${'}\n'.repeat(100_000)}`),
    )
    expect(deep.code).toBe(1)
    expect(deep.stderr).toMatch(/deep\.flow:3:1: groups cannot be nested/)
    expect(deep.stderr).toMatch(/too many errors/)
    noStackTrace(deep.stderr)
  })

  it('explains its usage', async () => {
    const help = await flowline('--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/validate FILE \[--json\]/)
    const unknown = await flowline('lint', fixture)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/unknown command "lint"/)
    const noFile = await flowline('parse')
    expect(noFile.code).toBe(1)
    expect(noFile.stderr).toMatch(/expected one FILE/)
    expect((await flowline()).code).toBe(1)
  })

  it('reads standard input for -', async () => {
    const run = await new Promise<Run>((done) => {
      const child = execFile('node', [bin, 'parse', '-'], { cwd: root }, (err, stdout, stderr) =>
        done({ code: err ? 1 : 0, stdout, stderr }),
      )
      child.stdin?.end('Piped\nn1: circle label:"Hi"\n')
    })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).nodes).toEqual([{ id: 'n1', group: null, shape: 'circle', label: 'Hi' }])
  })
})
