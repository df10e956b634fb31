import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { executors, getExecutor, getNodeSpec, nodeSpecs } from './registry'
import { needsConnection, nodeSpecs as paletteSpecs } from './specs'

const here = dirname(fileURLToPath(import.meta.url))

describe('node registry', () => {
  it('declares every type once, with a folder holding its spec and executor', () => {
    const ids = nodeSpecs.map((s) => s.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual([
      'start',
      'schedule',
      'end',
      'decision',
      'ab-split',
      'pass-through',
      'transform',
      'significance',
      'data-store',
      'generate-secret',
      'wait',
      'wait-for-event',
      'approval',
      'http-request',
      'braze-update-profile',
      'braze-trigger-campaign',
      'braze-send-message',
      'send-email',
    ])
    expect(paletteSpecs).toBe(nodeSpecs)
    for (const id of ids) {
      expect(getNodeSpec(id)?.id).toBe(id)
      expect(getExecutor(id), id).toBeDefined()
      expect(readdirSync(join(here, id)).sort()).toEqual(expect.arrayContaining(['execute.ts', 'spec.ts']))
    }
    expect([...executors.keys()].sort()).toEqual([...ids].sort())
    expect(getNodeSpec('nope')).toBeUndefined()
  })

  it('gives every type a default config its own schema accepts, and describes its fields', () => {
    for (const spec of nodeSpecs) {
      expect(spec.configSchema.safeParse(spec.defaultConfig).success, spec.id).toBe(true)
      expect(spec.title.length, spec.id).toBeGreaterThan(0)
      expect(spec.description.length, spec.id).toBeGreaterThan(20)
    }
  })

  it('gives every type its own icon (SVG path data on the 24×24 grid the app draws)', () => {
    const icons = nodeSpecs.map((s) => s.icon)
    for (const spec of nodeSpecs) expect(spec.icon, spec.id).toMatch(/^M[\d\s.,\-MLHVCSQTAZmlhvcsqtaz]+$/)
    expect(new Set(icons).size).toBe(icons.length)
  })

  it('lets types that take one branch say which labels they take, so mocks route like real steps', () => {
    for (const spec of nodeSpecs.filter((s) => s.routing === 'one')) {
      expect(getExecutor(spec.id)?.branchOf, spec.id).toBeDefined()
      expect(spec.exampleOutput, spec.id).toBeDefined()
    }
  })

  it('keeps executor code out of the palette module the browser imports', () => {
    const imports = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1])
    for (const spec of imports(join(here, 'specs.ts'))) {
      expect(spec, 'specs.ts').toMatch(/^\.\/([a-z-]+\/spec|spec|shared\/connections)$/)
    }
    for (const id of nodeSpecs.map((s) => s.id)) {
      // schedule/cron is croner arithmetic the inspector needs too (next run times), no executor code.
      for (const spec of imports(join(here, id, 'spec.ts')))
        expect(spec, `${id}/spec.ts`).toMatch(
          /^(zod|\.\.\/spec|\.\.\/shared\/(braze-config|spec-fields)|\.\/cron)$/,
        )
    }
  })

  it('marks side effects: Braze always, HTTP per node, the rest never', () => {
    const effects = Object.fromEntries(nodeSpecs.map((s) => [s.id, s.sideEffect]))
    expect(effects).toMatchObject({
      'braze-send-message': true,
      'http-request': true,
      transform: false,
      wait: false,
    })
    expect(getNodeSpec('http-request')?.sideEffectNote).toMatch(/GET and HEAD/)
  })

  it('keeps credentials out of node config: Braze steps name a connection instead', () => {
    for (const id of ['braze-update-profile', 'braze-trigger-campaign', 'braze-send-message']) {
      const spec = getNodeSpec(id)!
      expect(spec.connection, id).toEqual({ field: 'connectionId', type: 'braze', required: true })
      const fields = Object.keys((spec.configSchema as unknown as { shape: object }).shape)
      expect(fields, id).toContain('connectionId')
      expect(fields, id).not.toContain('apiKey')
      expect(fields, id).not.toContain('restEndpoint')
    }
    // An HTTP request needs a connection only when its URL is a path below one.
    const http = getNodeSpec('http-request')
    expect(http?.connection).toMatchObject({ field: 'connectionId', type: 'http' })
    expect(needsConnection(http, { url: 'https://api.example.com/x' })).toBe(false)
    expect(needsConnection(http, { url: '/users/{{ event.userId }}' })).toBe(true)
    for (const spec of nodeSpecs) expect(spec.secretFields ?? [], spec.id).toEqual([])
  })
})
