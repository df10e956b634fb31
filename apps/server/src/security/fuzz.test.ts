import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects } from '../testing/databases'
import { loginCookie, startTestServer } from '../testing/harness'
import { trpcHttp } from '../testing/http-client'
import { oneStep, passThrough, type RunView, sampleEvent } from './attack-kit'

/**
 * Property-based fuzzing of the inputs outsiders and editors control: webhook bodies, notation
 * imports and expression fields. Whatever arrives, the answer is never a 5xx (other than the
 * documented 503 of a full backlog), comes within a time bound, and /healthz stays 200.
 * Seeds are fixed so that a failure replays; FUZZ_RUNS scales the number of cases.
 */
type Server = Awaited<ReturnType<typeof startTestServer>>
const SCALE = Number(process.env.FUZZ_RUNS ?? 1)
const SEED = Number(process.env.FUZZ_SEED ?? 20_2020)
const seedFlow = readFileSync(
  new URL('../../../../packages/engine/src/dsl/fixtures/seed.flow', import.meta.url),
  'utf8',
)

/** Nested brackets, objects or a mix, up to `max` deep, as text. */
const deepJson = (max: number) =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.constantFrom('[', '{"a":', '[{"b":'), fc.boolean())
    .map(([depth, open, closed]) => {
      const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]'
      return `{"type":"track","userId":"u","properties":${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}}`
    })

const webhookBody = fc.oneof(
  fc.json({ maxDepth: 6 }),
  fc
    .jsonValue({ maxDepth: 8 })
    .map((properties) => JSON.stringify({ ...sampleEvent, messageId: undefined, properties })),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  deepJson(20_000),
  fc.constantFrom(
    '',
    '{}',
    '[]',
    'null',
    '"x"',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
  ),
)

/** The seed notation with random edits: characters inserted, lines dropped or duplicated, junk appended. */
const notation = fc.oneof(
  fc
    .tuple(fc.nat(seedFlow.length), fc.string({ unit: 'grapheme', maxLength: 40 }))
    .map(([at, text]) => seedFlow.slice(0, at) + text + seedFlow.slice(at)),
  fc.tuple(fc.nat(60), fc.nat(5)).map(([from, n]) => {
    const lines = seedFlow.split('\n')
    lines.splice(from, n)
    return lines.join('\n')
  }),
  fc.nat(60).map((at) => {
    const lines = seedFlow.split('\n')
    return [...lines.slice(0, at), lines[at] ?? '', ...lines.slice(at)].join('\n')
  }),
  fc
    .array(
      fc.constantFrom(
        'n1: circle label:"A" type:start config:',
        '{',
        '}',
        '[',
        ']',
        '"',
        '\\',
        'n1.handle(right) -> n2.handle(left)',
        'G { # T',
        '\n',
        '{"a":',
        'type:transform',
        ':',
        'label:"é\u0000"',
      ),
      { maxLength: 60 },
    )
    .map((parts) => `Title\n${parts.join('')}`),
  fc
    .integer({ min: 900, max: 20_000 })
    .map(
      (depth) => `T\nn1: circle label:"S" type:start config:{"a":${'['.repeat(depth)}${']'.repeat(depth)}}\n`,
    ),
)

/** JSONata-flavoured junk: tokens that parse sometimes, recurse sometimes, allocate sometimes. */
const expression = fc
  .array(
    fc.constantFrom(
      '$',
      '$x',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '..',
      '&',
      ',',
      ';',
      ':=',
      '?',
      ':',
      '~>',
      '.',
      '*',
      '**',
      '%',
      '+',
      '-',
      '"x"',
      '1',
      '1e9',
      '100000',
      'event',
      'steps',
      'vars',
      'event.userId',
      '$pad(',
      '$string(',
      '$join(',
      '$map(',
      '$reduce(',
      '$sum(',
      'function($v){',
      '$f',
      '$f :=',
      '/(a|a)*$/',
      '$match(',
      '$contains(',
      'true',
      'null',
      ' ',
    ),
    { minLength: 1, maxLength: 25 },
  )
  .map((parts) => parts.join(''))

describe.each(dialects)('fuzzing (%s)', (dialect) => {
  let server: Server
  let cookie: string
  let hookId: string
  const call = <T>(path: string, input: unknown, type?: 'query') =>
    trpcHttp<T>(server.url, path, input, { cookie, type })
  const healthy = async () =>
    expect((await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200)

  beforeAll(async () => {
    server = await startTestServer(dialect)
    cookie = await loginCookie(server.url)
    hookId = (await call<{ id: string }>('workflows.create', { model: passThrough })).id
    await call('workflows.publish', { id: hookId, version: 1 })
  })
  afterAll(() => server.close())

  it('webhook bodies: never a 5xx, never a hang', async () => {
    await fc.assert(
      fc.asyncProperty(webhookBody, async (body) => {
        const res = await fetch(`${server.url}/api/hooks/${hookId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(10_000),
        })
        await res.arrayBuffer()
        expect([200, 202, 400, 413]).toContain(res.status)
      }),
      { numRuns: 150 * SCALE, seed: SEED },
    )
    await healthy()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('notation imports: a workflow or a 400 with the reason, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(notation, async (text) => {
        const res = await fetch(`${server.url}/trpc/workflows.create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify({ notation: text }),
          signal: AbortSignal.timeout(10_000),
        })
        const body = (await res.json()) as { error?: { message: string } }
        expect([200, 400]).toContain(res.status)
        if (res.status === 400) expect(body.error?.message).toBeTruthy()
      }),
      { numRuns: 80 * SCALE, seed: SEED },
    )
    await healthy()
  })

  it('expression fields: saved with issues or not at all, and a test run always ends', async () => {
    await fc.assert(
      fc.asyncProperty(expression, async (text) => {
        const model = oneStep('transform', { vars: { x: text } }, 'Fuzzed')
        const res = await fetch(`${server.url}/trpc/workflows.create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify({ model }),
          signal: AbortSignal.timeout(10_000),
        })
        expect([200, 400]).toContain(res.status)
        if (res.status !== 200) return
        const { id } = ((await res.json()) as { result: { data: { id: string } } }).result.data
        const { runId } = await call<{ runId: string }>('runs.start', { workflowId: id, event: sampleEvent })
        const deadline = Date.now() + 15_000
        for (;;) {
          const { run } = await call<RunView>('runs.get', { runId }, 'query')
          if (run.status === 'succeeded' || run.status === 'failed') break
          expect(Date.now()).toBeLessThan(deadline)
          await new Promise((r) => setTimeout(r, 20))
        }
      }),
      { numRuns: 40 * SCALE, seed: SEED },
    )
    await healthy()
  })
})
