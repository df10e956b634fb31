import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { TraceEvent } from '../run/trace'

const root = fileURLToPath(new URL('../../../../', import.meta.url))
const template = 'packages/engine/templates/personalization.flow'
const samples = 'packages/engine/templates/samples/personalization'

function flowline(...args: string[]) {
  const r = spawnSync(process.execPath, ['packages/engine/bin/flowline.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

// Each case spawns the real CLI (tsx compiles on load), so allow for slow, busy machines.
describe('flowline run', { timeout: 60_000 }, () => {
  it('--json prints one trace event per line: the issue path for a page view pushed at 0.83', () => {
    const r = flowline(
      'run',
      template,
      '--event',
      `${samples}/page-push.json`,
      '--mock',
      `n8=${samples}/n8-confident.json`,
      '--json',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const events = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as TraceEvent)
    expect(events[0]).toMatchObject({ type: 'run.started', dryRun: true })
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded' })
    const finished = events.filter((e) => e.type === 'node.finished')
    expect(finished.map((e) => e.nodeId)).toEqual([
      'n1',
      'n2',
      'n3',
      'n4',
      'n5',
      'n8',
      'n9',
      'n10',
      'n11',
      'n13',
      'n14',
      'n15',
      'n16',
      'n17',
      'n19',
      'n20',
    ])
    const startedIds = new Set(events.filter((e) => e.type === 'node.started').map((e) => e.nodeId))
    for (const id of ['n6', 'n7', 'n12', 'n18']) expect(startedIds.has(id), id).toBe(false)
    for (const id of ['n15', 'n16', 'n19']) {
      const e = finished.find((f) => f.nodeId === id)
      expect(JSON.stringify(e?.request?.body), id).toContain('"user-5001"')
    }
    expect(finished.find((e) => e.nodeId === 'n8')).toMatchObject({ mocked: true })
    expect(events.every((e) => typeof e.runId === 'string' && typeof e.at === 'string')).toBe(true)
  })

  it('prints a readable trace by default', () => {
    const r = flowline(
      'run',
      template,
      '--event',
      `${samples}/page-email.json`,
      '--mock',
      `n8=${samples}/n8-threshold.json`,
    )
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^▶ Real-time personalization · dry run · /)
    expect(lines).toContainEqual(expect.stringMatching(/^✓ n1 Start {2}\d/))
    expect(lines).toContainEqual(expect.stringMatching(/^✓ n10 Confidence score\? {2}→ 0\.7 /))
    expect(lines).toContainEqual('– n11 Use personalized content  ruled out')
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^✓ n18 Send via email {2}POST https:\/\/rest\.iad-01\.braze\.com\/messages\/send \(recorded, not sent\)/,
      ),
    )
    expect(lines.at(-1)).toMatch(/^■ succeeded in /)
  })

  it('exits 1 when the run fails, saying why', () => {
    const r = flowline(
      'run',
      template,
      '--event',
      `${samples}/screen-unmatched.json`,
      '--mock',
      `n8=${samples}/n8-confident.json`,
    )
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('✗ n4 Event type?  no branch matches value "screen"')
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^■ failed: n4: no branch matches value "screen"/)
  })

  it('reports bad input as FILE:LINE:COL or a one-line message, never a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowline-run-'))
    const bad = join(dir, 'bad.flow')
    writeFileSync(bad, 'Broken\nG {\nn1: hexagon label:"x"\n}\n')
    const parsed = flowline('run', bad, '--event', `${samples}/page-push.json`)
    expect(parsed.code).toBe(1)
    expect(parsed.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:5: `))

    const brokenJson = join(dir, 'event.json')
    writeFileSync(brokenJson, '{"type": ')
    const noEvent = flowline('run', template, '--event', join(dir, 'missing.json'))
    const badEvent = flowline('run', template, '--event', brokenJson)
    const noArgs = flowline('run', template)
    const badMock = flowline('run', template, '--event', `${samples}/page-push.json`, '--mock', 'n8')
    expect(noEvent.stderr).toMatch(/missing\.json: cannot read the event: no such file/)
    expect(badEvent.stderr).toMatch(/event\.json: the event is not valid JSON/)
    expect(noArgs.stderr).toMatch(/missing --event EVENT\.json/)
    expect(badMock.stderr).toMatch(/--mock expects NODE=OUT\.json/)
    for (const r of [parsed, noEvent, badEvent, noArgs, badMock]) {
      expect(r.code).toBe(1)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })
})
