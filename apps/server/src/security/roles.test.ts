import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects } from '../testing/databases'
import { createTestApp, type TestApp } from '../testing/harness'
import { outcome, passThrough, sampleEvent, snapshot, type Table } from './attack-kit'

/**
 * A viewer (read-only audit) tries every kind of change with well-formed inputs aimed at real
 * objects, and an editor tries the admin's: each is refused and the database is unchanged.
 * (routers/access.test.ts checks every procedure with loose inputs; this checks real targets.)
 */
const TABLES: Table[] = [
  'workflows',
  'workflow_versions',
  'connections',
  'users',
  'runs',
  'sources',
  'source_subscriptions',
]

describe.each(dialects)('role attacks (%s)', (dialect) => {
  let app: TestApp
  let wf: string
  let conn: string
  let source: string
  let runId: string

  beforeAll(async () => {
    app = await createTestApp(dialect)
    const editor = app.as(app.users.editor)
    wf = (await editor.workflows.create({ model: passThrough })).id
    await editor.workflows.publish({ id: wf, version: 1 })
    conn = (
      await editor.connections.create({
        name: 'API',
        type: 'http',
        config: { baseUrl: 'https://api.example.com', auth: 'bearer' },
        secret: 'viewer-must-not-move-this',
      })
    ).id
    source = (await editor.sources.create({ name: 'App' })).id
    runId = (await editor.runs.start({ workflowId: wf, event: sampleEvent })).runId
    await app.settle()
  })
  afterAll(() => app.close())

  it('a viewer changes nothing: every mutation on real objects is FORBIDDEN', async () => {
    const viewer = app.as(app.users.viewer)
    const before = await snapshot(app.db, TABLES)
    const attempts: [string, () => Promise<unknown>][] = [
      ['workflows.create', () => viewer.workflows.create({ model: passThrough })],
      [
        'workflows.save',
        () => viewer.workflows.save({ id: wf, baseVersion: 1, model: { ...passThrough, title: 'Defaced' } }),
      ],
      ['workflows.publish', () => viewer.workflows.publish({ id: wf, version: 1 })],
      ['workflows.unpublish', () => viewer.workflows.unpublish({ id: wf })],
      ['workflows.archive', () => viewer.workflows.archive({ id: wf })],
      ['workflows.rename', () => viewer.workflows.rename({ id: wf, title: 'Defaced' })],
      ['workflows.delete', () => viewer.workflows.delete({ id: wf })],
      [
        'workflows.setWebhookSecret',
        () => viewer.workflows.setWebhookSecret({ id: wf, secret: 'attacker-known' }),
      ],
      ['workflows.generateWebhookSecret', () => viewer.workflows.generateWebhookSecret({ id: wf })],
      ['workflows.sendTestEvent', () => viewer.workflows.sendTestEvent({ id: wf, event: sampleEvent })],
      ['runs.start', () => viewer.runs.start({ workflowId: wf, event: sampleEvent, live: true })],
      ['runs.retry', () => viewer.runs.retry({ runId })],
      ['runs.cancel', () => viewer.runs.cancel({ runId })],
      [
        'connections.create',
        () =>
          viewer.connections.create({
            name: 'Mine',
            type: 'http',
            config: { baseUrl: 'https://x.example', auth: 'none' },
          }),
      ],
      [
        'connections.update',
        () =>
          viewer.connections.update({
            id: conn,
            config: { baseUrl: 'https://attacker.example', auth: 'bearer' },
          }),
      ],
      ['connections.test', () => viewer.connections.test({ id: conn })],
      ['connections.delete', () => viewer.connections.delete({ id: conn })],
      ['sources.create', () => viewer.sources.create({ name: 'Mine' })],
      ['sources.subscribe', () => viewer.sources.subscribe({ sourceId: source, workflowId: wf })],
      [
        'users.create',
        () => viewer.users.create({ email: 'new@example.com', password: 'long enough pw', role: 'admin' }),
      ],
      ['users.setRole', () => viewer.users.setRole({ id: app.users.viewer.id, role: 'admin' })],
    ]
    for (const [name, attempt] of attempts)
      expect(`${name}: ${(await outcome(attempt())).split(':')[0]}`).toBe(`${name}: FORBIDDEN`)
    expect(await snapshot(app.db, TABLES)).toBe(before)
  })

  it('an editor cannot make themselves or anyone an admin', async () => {
    const editor = app.as(app.users.editor)
    const before = await snapshot(app.db, TABLES)
    expect(await outcome(editor.users.setRole({ id: app.users.editor.id, role: 'admin' }))).toMatch(
      /^FORBIDDEN/,
    )
    expect(
      await outcome(
        editor.users.create({ email: 'sleeper@example.com', password: 'long enough pw', role: 'admin' }),
      ),
    ).toMatch(/^FORBIDDEN/)
    expect(await snapshot(app.db, TABLES)).toBe(before)
  })
})
