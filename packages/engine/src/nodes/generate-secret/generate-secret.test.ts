import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from '../../dsl/parser'
import type { Workflow } from '../../model/schema'
import { resumeRun, runWorkflow } from '../../run/executor'
import { end, flow, start } from '../../run/fixtures'
import { runTestCases } from '../../run/test-cases'
import { validate } from '../../validate/validate'
import type { FetchLike } from '../types'

const example = parse(readFileSync(new URL('./generate-secret.flow', import.meta.url), 'utf8'))
  .workflow as Workflow
const event = { type: 'track', event: 'Signed Up', userId: 'u-1' }
const fingerprint = (secret: string) =>
  `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`

interface Received {
  headers: Record<string, string>
  body: { token: string }
}

/** An API that echoes what it got, as a careless one would: the echo must not unmask the secret. */
function echoApi(status = 200) {
  const received: Received[] = []
  const fetch: FetchLike = async (_url, init) => {
    const body = JSON.parse(init.body ?? '{}')
    received.push({ headers: init.headers, body })
    return new Response(JSON.stringify({ echo: body.token, note: `got ${body.token}` }), {
      status,
      headers: { 'content-type': 'application/json' },
    })
  }
  return { fetch, received }
}

const post = {
  id: 'h',
  type: 'http-request',
  config: {
    method: 'POST',
    url: 'https://invites.example.com/tokens',
    headers: { 'X-Invite': '{{ steps.g.secret }}' },
    body: '{"token": steps.g.secret, "copy": vars.copy}',
  },
}
const generate = (config: Record<string, unknown> = {}) => ({ id: 'g', type: 'generate-secret', config })
const copy = { id: 't', type: 'transform', config: { vars: { copy: '"Bearer " & steps.g.secret' } } }

describe('generate-secret', () => {
  it('the .flow example validates cleanly and its test case passes', async () => {
    expect(validate(example).filter((i) => i.severity === 'error')).toEqual([])
    const results = await runTestCases(example)
    expect(results.map((r) => [r.name, r.passed, r.failures])).toEqual([
      ['the token reaches the request, only its fingerprint the trace', true, []],
    ])
  })

  it('makes fresh random secrets of the configured size, encoding and prefix', async () => {
    const tokens = async (config: Record<string, unknown>) => {
      const { fetch, received } = echoApi()
      const wf = flow([start('s'), generate(config), copy, post], ['s -> g', 'g -> t', 't -> h'])
      for (let i = 0; i < 2; i++)
        expect((await runWorkflow(wf, { event, dryRun: false, fetch })).status).toBe('succeeded')
      return received.map((r) => r.body.token)
    }
    const [a, b] = await tokens({})
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/) // 32 bytes, base64url
    expect(b).not.toBe(a)
    const [hex] = await tokens({ bytes: 16, encoding: 'hex', prefix: 'sk_test_' })
    expect(hex).toMatch(/^sk_test_[0-9a-f]{32}$/)
  })

  it('later steps use the secret; traces, results, copies, echoes and errors show its fingerprint only', async () => {
    const { fetch, received } = echoApi()
    const wf = flow([start('s'), generate(), copy, post, end('e')], ['s -> g', 'g -> t', 't -> h', 'h -> e'])
    const r = await runWorkflow(wf, { event, dryRun: false, fetch })
    expect(r.status).toBe('succeeded')
    const secret = received[0].body.token
    expect(received[0].headers['X-Invite']).toBe(secret)
    expect(received[0].body).toEqual({ token: secret, copy: `Bearer ${secret}` })
    const shown = `•••• ${fingerprint(secret)}`
    expect(r.steps.g.output).toEqual({ secret: shown, fingerprint: fingerprint(secret) })
    expect(r.vars.copy).toBe(`Bearer ${shown}`)
    expect(r.steps.h.request?.headers['X-Invite']).toBe(shown)
    expect(r.steps.h.output).toMatchObject({ body: { echo: shown, note: `got ${shown}` } })
    const finished = r.events?.find((e) => e.type === 'node.finished' && e.nodeId === 'g')
    expect(finished).toMatchObject({ output: { secret: shown, fingerprint: fingerprint(secret) } })
    expect(JSON.stringify(r)).not.toContain(secret)
  })

  it('masks the secret in the message of a step that fails on it', async () => {
    const { fetch, received } = echoApi(400)
    const wf = flow([start('s'), generate(), copy, post], ['s -> g', 'g -> t', 't -> h'])
    const r = await runWorkflow(wf, { event, dryRun: false, fetch, http: { retries: 0 } })
    const secret = received[0].body.token
    expect(r.status).toBe('failed')
    expect(r.error).toContain(`•••• ${fingerprint(secret)}`)
    expect(JSON.stringify(r)).not.toContain(secret)
  })

  it('a run that waits after generating keeps it (in its state) and still masks it once resumed', async () => {
    const { fetch, received } = echoApi()
    const wf = flow(
      [start('s'), generate(), { id: 'w', type: 'wait', config: { duration: '1h' } }, copy, post],
      ['s -> g', 'g -> w', 'w -> t', 't -> h'],
    )
    let clock = Date.parse('2030-01-01T00:00:00Z')
    const now = () => clock
    const first = await runWorkflow(wf, { event, dryRun: false, fetch, now })
    expect(first.status).toBe('suspended')
    const [kept] = first.state?.secrets ?? []
    expect(kept.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(JSON.stringify({ ...first, state: undefined })).not.toContain(kept.value)
    clock += 3_600_000
    const second = await resumeRun(wf, first.state!, { fetch, now })
    expect(second.status).toBe('succeeded')
    expect(received[0].body.token).toBe(kept.value)
    expect(JSON.stringify(second)).not.toContain(kept.value)
    expect(second.steps.h.output).toMatchObject({ body: { echo: kept.shown } })
  })

  it('bounds its settings', () => {
    const problems = (config: Record<string, unknown>) =>
      validate(flow([start('s'), generate(config)], ['s -> g']))
        .filter((i) => i.code === 'config-invalid')
        .map((i) => i.message)
    expect(problems({})).toEqual([])
    expect(problems({ bytes: 8 })).toEqual([
      'g (generate-secret): config.bytes: at least 16 bytes (128 bits)',
    ])
    expect(problems({ bytes: 1024 })).toEqual(['g (generate-secret): config.bytes: at most 128 bytes'])
    expect(problems({ encoding: 'base32' })).toHaveLength(1)
    expect(problems({ prefix: 'sk live' })).toEqual([
      'g (generate-secret): config.prefix: letters, digits, "_", "." and "-" only',
    ])
  })
})
