import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TraceEvent } from '../run/trace'

const root = fileURLToPath(new URL('../../../../', import.meta.url))

/** The real CLI, asynchronously: the stub API below answers on this process's event loop. */
function flowline(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['packages/engine/bin/flowline.mjs', ...args], { cwd: root })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

// Each case spawns the real CLI (tsx compiles on load), so allow for slow, busy machines.
describe('flowline run with a generated secret', { timeout: 60_000 }, () => {
  const seen: string[] = []
  const api = createServer((req, res) => {
    const invite = new URL(req.url ?? '/', 'http://x').searchParams.get('invite') ?? ''
    seen.push(invite)
    // An API that echoes what it got: the CLI must not print it back in clear.
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ valid: true, invite }))
  })
  let dir = ''

  beforeAll(async () => {
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r))
    const { port } = api.address() as AddressInfo
    dir = mkdtempSync(join(tmpdir(), 'flowline-secret-'))
    writeFileSync(
      join(dir, 'invite.flow'),
      `Invite check
n1: circle label:"Start" type:start config:{}
n2: rectangle label:"Token" type:generate-secret config:{"bytes": 16, "encoding": "hex", "prefix": "inv_"}
n3: rectangle label:"Check" type:http-request config:{"method": "GET", "url": "http://127.0.0.1:${port}/check?invite={{ steps.n2.secret }}"}
n4: circle label:"End" type:end config:{}
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left)
n3.handle(right) -> n4.handle(left)
`,
    )
    writeFileSync(
      join(dir, 'event.json'),
      JSON.stringify({ type: 'track', event: 'Signed Up', userId: 'u-1' }),
    )
  })
  afterAll(() => new Promise<void>((r) => api.close(() => r())))

  it('sends the secret to the API, and prints only its fingerprint, in --json and as text', async () => {
    const json = await flowline('run', join(dir, 'invite.flow'), '--event', join(dir, 'event.json'), '--json')
    expect(json.stderr).toBe('')
    expect(json.code).toBe(0)
    const text = await flowline('run', join(dir, 'invite.flow'), '--event', join(dir, 'event.json'))
    expect(text.code).toBe(0)
    expect(seen).toHaveLength(2)
    for (const secret of seen) expect(secret).toMatch(/^inv_[0-9a-f]{32}$/)
    const [secret] = seen
    const fingerprint = `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`
    const events = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as TraceEvent)
    const n2 = events.find((e) => e.type === 'node.finished' && e.nodeId === 'n2')
    expect(n2).toMatchObject({ output: { secret: `•••• ${fingerprint}`, fingerprint } })
    const n3 = events.find((e) => e.type === 'node.finished' && e.nodeId === 'n3')
    expect(n3).toMatchObject({ output: { body: { invite: `•••• ${fingerprint}` } } })
    for (const [out, s] of [
      [json.stdout, seen[0]],
      [text.stdout + text.stderr, seen[1]],
    ])
      expect(out.includes(s), 'the CLI printed the secret').toBe(false)
  })
})
