import { TRPCError } from '@trpc/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects } from '../testing/databases'
import { createTestApp, type TestApp } from '../testing/harness'
import { appRouter } from './_app'

/** Mutations anyone may call: they are how one becomes somebody. Adding to this list needs a reason. */
// auth.setPassword: whoever holds a one-time set-password link is its owner (the link is the credential).
const PUBLIC_MUTATIONS = new Set(['auth.login', 'auth.logout', 'auth.setupFirstAdmin', 'auth.setPassword'])
/** Mutations every signed-in user may call about themselves, viewers included. */
const SELF_MUTATIONS = new Set(['auth.changePassword'])
/** Queries that answer anonymous callers (the login and set-password pages need them). */
const PUBLIC_QUERIES = new Set(['system.info', 'auth.me', 'auth.passwordLink'])
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
)
const mutations = procedures.filter(([, p]) => p._def.type === 'mutation').map(([path]) => path)
const queries = procedures.filter(([, p]) => p._def.type !== 'mutation').map(([path]) => path)

function invoke(caller: unknown, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>
  return Promise.resolve().then(() => fn(input))
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    const result = await promise
    // Subscriptions hand back an iterable; its first step is where the check happens.
    if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      await (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().next()
    }
    return 'OK'
  } catch (err) {
    return err instanceof TRPCError ? err.code : `non-tRPC error: ${(err as Error).message}`
  }
}

// Deliberately loose inputs: the role check must run before input validation.
const looseInputs: unknown[] = [undefined, {}, { id: 'x', workflowId: 'x', runId: 'x', version: 1 }]

describe.each(dialects)('role checks on every procedure (%s)', (dialect) => {
  let app: TestApp
  beforeAll(async () => {
    app = await createTestApp(dialect)
  })
  afterAll(() => app.close())

  it('finds the mutations to check', () => {
    expect(mutations.length).toBeGreaterThan(10)
    for (const p of PUBLIC_MUTATIONS) expect(mutations).toContain(p)
  })

  it.each(mutations.filter((m) => !PUBLIC_MUTATIONS.has(m) && !SELF_MUTATIONS.has(m)))(
    '%s: anonymous → UNAUTHORIZED, viewer → FORBIDDEN',
    async (path) => {
      for (const input of looseInputs) {
        expect(await codeOf(invoke(app.as(null), path, input))).toBe('UNAUTHORIZED')
        expect(await codeOf(invoke(app.as(app.users.viewer), path, input))).toBe('FORBIDDEN')
      }
    },
  )

  it.each([...SELF_MUTATIONS])('%s: anonymous → UNAUTHORIZED', async (path) => {
    for (const input of looseInputs)
      expect(await codeOf(invoke(app.as(null), path, input))).toBe('UNAUTHORIZED')
  })

  it.each(queries.filter((q) => !PUBLIC_QUERIES.has(q)))('%s: anonymous → UNAUTHORIZED', async (path) => {
    for (const input of looseInputs)
      expect(await codeOf(invoke(app.as(null), path, input))).toBe('UNAUTHORIZED')
  })

  it('keeps account management from editors', async () => {
    const editor = app.as(app.users.editor)
    expect(await codeOf(editor.users.list())).toBe('FORBIDDEN')
    expect(
      await codeOf(editor.users.create({ email: 'x@example.com', password: 'long enough', role: 'admin' })),
    ).toBe('FORBIDDEN')
    expect(await codeOf(editor.users.setRole({ id: app.users.viewer.id, role: 'admin' }))).toBe('FORBIDDEN')
    expect(await codeOf(editor.users.invite({ email: 'y@example.com', role: 'admin', method: 'link' }))).toBe(
      'FORBIDDEN',
    )
    expect(await codeOf(editor.users.setActive({ id: app.users.admin.id, active: false }))).toBe('FORBIDDEN')
    expect(await codeOf(editor.users.newLink({ id: app.users.admin.id }))).toBe('FORBIDDEN')
  })

  it('lets a viewer read workflows, runs and the audit log', async () => {
    const viewer = app.as(app.users.viewer)
    expect(await viewer.workflows.list()).toEqual([])
    expect(await viewer.runs.list()).toEqual([])
    expect(Array.isArray(await viewer.audit.list())).toBe(true)
  })
})
