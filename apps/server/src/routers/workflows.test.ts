import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Workflow } from '../services/engine'
import { dialects } from '../testing/databases'
import { createTestApp, TEST_SERVER_URL, type TestApp } from '../testing/harness'

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p
  } catch (err) {
    if (err instanceof TRPCError) return { code: err.code, message: err.message }
    throw err
  }
  throw new Error('expected a failure')
}

const node = (id: string, label: string, shape: 'circle' | 'rectangle' = 'rectangle') => ({
  id,
  group: null,
  shape,
  label,
})

/** A Braze connection: templates pick it up, so their Braze steps validate. */
const addBraze = (app: TestApp) =>
  app.as(app.users.editor).connections.create({
    name: 'Braze EU',
    type: 'braze',
    config: { restEndpoint: 'https://rest.fra-01.braze.eu' },
    secret: 'braze-key-0123456789',
  })

describe.each(dialects)('workflows and versions (%s)', (dialect) => {
  let app: TestApp
  beforeEach(async () => {
    app = await createTestApp(dialect)
  })
  afterEach(() => app.close())

  it('creates blank, from notation, from a model and from the template', async () => {
    const editor = app.as(app.users.editor)
    const blank = await editor.workflows.create({ title: 'Welcome series' })
    expect(blank.version).toBe(1)
    const got = await editor.workflows.get({ id: blank.id })
    expect(got).toMatchObject({
      title: 'Welcome series',
      latestVersion: 1,
      publishedVersion: null,
      webhookSecretSet: false,
    })
    expect(got.version.issues.some((i) => i.severity === 'error')).toBe(true)

    const notation =
      'Tiny\n\nn1: circle label:"Start"\nn2: circle label:"End"\nn1.handle(right) -> n2.handle(left)\n'
    const fromText = await editor.workflows.create({ notation })
    expect((await editor.workflows.get({ id: fromText.id })).version.model.nodes.map((n) => n.id)).toEqual([
      'n1',
      'n2',
    ])

    const model: Workflow = {
      title: 'From JSON',
      description: '',
      groups: [],
      nodes: [node('a', 'Start', 'circle')],
      edges: [],
    }
    const fromModel = await editor.workflows.create({ model })
    expect((await editor.workflows.get({ id: fromModel.id })).title).toBe('From JSON')

    const templates = await editor.workflows.templates()
    expect(templates.map((t) => t.id)).toEqual([
      'personalization',
      'user-segmentation',
      'email-campaign',
      'ab-test',
      'account-deletion',
      'api-key-rotation',
      'billing-dispute',
    ])
    // Without a Braze connection the template's Braze steps are flagged; with exactly one, they use it.
    const unconnected = await editor.workflows.create({ template: 'personalization' })
    const errors = (await editor.workflows.get({ id: unconnected.id })).version.issues.filter(
      (i) => i.severity === 'error',
    )
    expect(errors.map((i) => `${i.code} ${i.nodeId}`)).toEqual([
      'connection-missing n15',
      'connection-missing n16',
      'connection-missing n18',
      'connection-missing n19',
    ])
    const braze = await addBraze(app)
    const fromTemplate = await editor.workflows.create({ template: 'personalization' })
    const tpl = await editor.workflows.get({ id: fromTemplate.id })
    expect(tpl.version.model.nodes).toHaveLength(20)
    expect(tpl.version.issues.filter((i) => i.severity === 'error')).toEqual([])
    expect(
      (tpl.version.model.nodes.find((n) => n.id === 'n15')!.config as { connectionId: string }).connectionId,
    ).toBe(braze.id)
    // The demo recommender is this server's own.
    expect((tpl.version.model.nodes.find((n) => n.id === 'n8')!.config as { url: string }).url).toBe(
      `${TEST_SERVER_URL}/api/demo/recommendations`,
    )

    const list = await app.as(app.users.viewer).workflows.list()
    expect(list).toHaveLength(5)
    expect(list[0]).toMatchObject({
      status: 'draft',
      latestVersion: 1,
      publishedVersion: null,
      updatedBy: 'editor@example.com',
      archived: false,
    })
    expect((await editor.workflows.list({ search: 'JSON' })).map((w) => w.title)).toEqual(['From JSON'])
  })

  it('reports notation errors as file:line:col', async () => {
    const f = await failure(
      app
        .as(app.users.editor)
        .workflows.create({ notation: 'T\nG { # g\nn1: hexagon label:"x"\n}', file: 'bad.flow' }),
    )
    expect(f.code).toBe('BAD_REQUEST')
    expect(f.message).toMatch(/^bad\.flow:3:\d+: /)
  })

  it('refuses the second of two saves from the same base, keeping both contents', async () => {
    const { id } = await app.as(app.users.editor).workflows.create({ title: 'Shared' })
    const base = (await app.as(app.users.editor).workflows.get({ id })).version.model
    const mine = { ...base, nodes: [node('mine', 'Saved by editor one', 'circle')] }
    const theirs = { ...base, nodes: [node('theirs', 'Saved by editor two', 'circle')] }

    expect((await app.as(app.users.editor).workflows.save({ id, baseVersion: 1, model: mine })).version).toBe(
      2,
    )
    const refused = await failure(
      app.as(app.users.editor2).workflows.save({ id, baseVersion: 1, model: theirs }),
    )
    expect(refused.code).toBe('CONFLICT')

    // Nothing was overwritten: v2 is editor one's; editor two re-bases and saves v3.
    expect(
      (await app.as(app.users.viewer).versions.get({ workflowId: id, version: 2 })).model.nodes[0].id,
    ).toBe('mine')
    expect(
      (
        await app
          .as(app.users.editor2)
          .workflows.save({ id, baseVersion: 2, model: theirs, message: 'mine too' })
      ).version,
    ).toBe(3)
    const versions = await app.as(app.users.viewer).versions.list({ workflowId: id })
    expect(versions.map((v) => [v.number, v.author, v.message])).toEqual([
      [3, 'editor2@example.com', 'mine too'],
      [2, 'editor@example.com', null],
      [1, 'editor@example.com', null],
    ])
    expect(
      (await app.as(app.users.viewer).versions.get({ workflowId: id, version: 2 })).model.nodes[0].id,
    ).toBe('mine')
  })

  it('lets exactly one of several simultaneous saves win', async () => {
    const { id } = await app.as(app.users.editor).workflows.create({ title: 'Race' })
    const base = (await app.as(app.users.editor).workflows.get({ id })).version.model
    const saves = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        app
          .as(app.users.editor)
          .workflows.save({ id, baseVersion: 1, model: { ...base, description: `attempt ${i}` } }),
      ),
    )
    expect(saves.filter((s) => s.status === 'fulfilled')).toHaveLength(1)
    for (const s of saves) if (s.status === 'rejected') expect((s.reason as TRPCError).code).toBe('CONFLICT')
    expect((await app.as(app.users.editor).workflows.get({ id })).latestVersion).toBe(2)
  })

  it('validates every save on the server and stores the issues with the version', async () => {
    const { id } = await app.as(app.users.editor).workflows.create({ template: 'personalization' })
    const model = (await app.as(app.users.editor).workflows.get({ id })).version.model
    const broken = {
      ...model,
      edges: [
        ...model.edges,
        {
          id: 'ghost',
          source: 'n1',
          sourceHandle: 'right' as const,
          target: 'nope',
          targetHandle: 'left' as const,
        },
      ],
    }
    const saved = await app.as(app.users.editor).workflows.save({ id, baseVersion: 1, model: broken })
    expect(saved.issues.some((i) => i.severity === 'error' && i.edgeId === 'ghost')).toBe(true)
    const [latest] = await app.as(app.users.viewer).versions.list({ workflowId: id })
    expect(latest.errorCount).toBeGreaterThan(0)
  })

  it('publishes only versions without errors whose saved tests pass', async () => {
    const editor = app.as(app.users.editor)
    const blank = await editor.workflows.create({ title: 'Nothing yet' })
    const noStart = await failure(editor.workflows.publish({ id: blank.id, version: 1 }))
    expect(noStart.code).toBe('PRECONDITION_FAILED')
    expect(noStart.message).toMatch(/validation error/)

    await addBraze(app)
    const { id } = await editor.workflows.create({ template: 'personalization' })
    const model = (await editor.workflows.get({ id })).version.model
    const [first, ...rest] = model.tests ?? []
    expect(first).toBeDefined()
    const failing = {
      ...model,
      tests: [{ ...first, assertions: ['vars.content.source = "carrier pigeon"'] }, ...rest],
    }
    const v2 = await editor.workflows.save({ id, baseVersion: 1, model: failing })
    const testFailed = await failure(editor.workflows.publish({ id, version: v2.version }))
    expect(testFailed.code).toBe('PRECONDITION_FAILED')
    expect(testFailed.message).toContain(`Test case "${first.name}" failed`)

    expect(await editor.workflows.publish({ id, version: 1 })).toMatchObject({ publishedVersion: 1 })
    const listed = (await editor.workflows.list()).find((w) => w.id === id)
    expect(listed).toMatchObject({ status: 'published', publishedVersion: 1, latestVersion: 2 })
    const versions = await editor.versions.list({ workflowId: id })
    expect(versions.find((v) => v.number === 1)).toMatchObject({
      published: true,
      publishedAt: expect.any(String),
    })
    expect(versions.find((v) => v.number === 2)).toMatchObject({ published: false, publishedAt: null })

    await editor.workflows.unpublish({ id })
    expect((await editor.workflows.get({ id })).publishedVersion).toBeNull()
  })

  it('archives, duplicates and keeps webhook secrets out of reads and the audit log', async () => {
    const editor = app.as(app.users.editor)
    await addBraze(app)
    const { id } = await editor.workflows.create({ template: 'personalization' })
    await editor.workflows.publish({ id, version: 1 })
    await editor.workflows.setWebhookSecret({ id, secret: 'super-secret-value' })
    const got = await editor.workflows.get({ id })
    expect(got.webhookSecretSet).toBe(true)
    expect(JSON.stringify(got)).not.toContain('super-secret-value')

    const copy = await editor.workflows.duplicate({ id })
    const copied = await editor.workflows.get({ id: copy.id })
    expect(copied).toMatchObject({
      title: 'Copy of Real-time personalization',
      publishedVersion: null,
      webhookSecretSet: false,
    })

    await editor.workflows.archive({ id })
    expect((await editor.workflows.list()).map((w) => w.id)).toEqual([copy.id])
    const archived = (await editor.workflows.list({ includeArchived: true })).find((w) => w.id === id)
    expect(archived).toMatchObject({ archived: true, status: 'draft' })
    expect(
      (await failure(editor.workflows.save({ id, baseVersion: 1, model: got.version.model }))).code,
    ).toBe('PRECONDITION_FAILED')

    const audit = await app.as(app.users.viewer).audit.list({ workflowId: id })
    expect(audit.map((a) => a.action)).toEqual([
      'workflow.archive',
      'workflow.webhook-secret',
      'workflow.publish',
      'workflow.create',
    ])
    expect(JSON.stringify(await app.as(app.users.viewer).audit.list())).not.toContain('super-secret-value')
  })

  it('reports unknown workflows and versions as NOT_FOUND', async () => {
    const viewer = app.as(app.users.viewer)
    expect((await failure(viewer.workflows.get({ id: 'wf_missing' }))).code).toBe('NOT_FOUND')
    const { id } = await app.as(app.users.editor).workflows.create({})
    expect((await failure(viewer.versions.get({ workflowId: id, version: 9 }))).code).toBe('NOT_FOUND')
  })
})
