import { randomBytes } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import { isUniqueViolation, now } from '../db'
import type { AuditService } from './audit'
import { type ConnectionInfo, checkModel, type Issue, type Workflow } from './engine'
import type { SchedulePublishHook } from './schedules'

export interface Actor {
  email: string
}

const newWorkflowId = () => `wf_${randomBytes(9).toString('base64url')}`

function conflict(latest: number | undefined, base: number) {
  return new TRPCError({
    code: 'CONFLICT',
    message: `Version ${base} is no longer the latest${latest ? ` (now ${latest})` : ''}: someone saved in the meantime. Reload to see their changes; nothing was overwritten.`,
  })
}

export function toVersion(row: {
  number: number
  model: string
  issues: string
  created_at: string
  author: string
  message: string | null
  published_at: string | null
}) {
  return {
    number: row.number,
    model: JSON.parse(row.model) as Workflow,
    issues: JSON.parse(row.issues) as Issue[],
    createdAt: row.created_at,
    author: row.author,
    message: row.message,
    publishedAt: row.published_at,
  }
}

export type ConnectionCatalog = () => Promise<ReadonlyMap<string, ConnectionInfo>>

/** The engine's validation against the connections that exist: the authority on every save. */
export async function checkWithConnections(model: Workflow, catalog: ConnectionCatalog) {
  return checkModel(model, (await catalog()).values())
}

/** A saved version's model; NOT_FOUND when the workflow has no such version. */
export async function readVersionModel(db: Db, workflowId: string, number: number): Promise<Workflow> {
  const row = await db
    .selectFrom('workflow_versions')
    .select('model')
    .where('workflow_id', '=', workflowId)
    .where('number', '=', number)
    .executeTakeFirst()
  if (!row)
    throw new TRPCError({ code: 'NOT_FOUND', message: `Workflow ${workflowId} has no version ${number}` })
  return JSON.parse(row.model) as Workflow
}

export function createWorkflowService(
  db: Db,
  audit: AuditService,
  catalog: ConnectionCatalog,
  /** Archiving unpublishes: the workflow's schedules go too (services/schedules/). */
  schedules?: SchedulePublishHook,
) {
  async function requireWorkflow(id: string, trx: Db = db) {
    const row = await trx.selectFrom('workflows').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `No workflow ${id}` })
    return row
  }

  async function insertWorkflow(
    actor: Actor,
    model: Workflow,
    action: string,
    details: Record<string, unknown> = {},
  ) {
    const { model: canonical, issues, errorCount, warningCount } = await checkWithConnections(model, catalog)
    const id = newWorkflowId()
    const at = now()
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('workflows')
        .values({
          id,
          title: canonical.title,
          archived: 0,
          latest_version: 1,
          published_version: null,
          webhook_secret: null,
          created_at: at,
          created_by: actor.email,
          updated_at: at,
          updated_by: actor.email,
        })
        .execute()
      await trx
        .insertInto('workflow_versions')
        .values({
          workflow_id: id,
          number: 1,
          model: JSON.stringify(canonical),
          issues: JSON.stringify(issues),
          error_count: errorCount,
          warning_count: warningCount,
          author: actor.email,
          message: null,
          created_at: at,
          published_at: null,
        })
        .execute()
      await audit.record(
        { actor: actor.email, action, workflowId: id, details: { title: canonical.title, ...details } },
        trx,
      )
    })
    return { id, version: 1 }
  }

  /**
   * A new version on top of the latest one, from a whole model (restore) or a change to it
   * (rename): the same optimistic rules as a save, audited under its own action.
   */
  async function appendVersion(
    actor: Actor,
    id: string,
    change: (latest: Workflow) => Workflow,
    message: string,
    action: string,
    details: (version: number) => Record<string, unknown>,
  ) {
    const wf = await requireWorkflow(id)
    if (wf.archived)
      throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Archived workflows are read-only' })
    const latest = await db
      .selectFrom('workflow_versions')
      .select('model')
      .where('workflow_id', '=', id)
      .where('number', '=', wf.latest_version)
      .executeTakeFirstOrThrow()
    const checked = await checkWithConnections(change(JSON.parse(latest.model) as Workflow), catalog)
    const number = wf.latest_version + 1
    const at = now()
    try {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('workflow_versions')
          .values({
            workflow_id: id,
            number,
            model: JSON.stringify(checked.model),
            issues: JSON.stringify(checked.issues),
            error_count: checked.errorCount,
            warning_count: checked.warningCount,
            author: actor.email,
            message,
            created_at: at,
            published_at: null,
          })
          .execute()
        const updated = await trx
          .updateTable('workflows')
          .set({
            latest_version: number,
            title: checked.model.title,
            updated_at: at,
            updated_by: actor.email,
          })
          .where('id', '=', id)
          .where('latest_version', '=', wf.latest_version)
          .executeTakeFirst()
        if (Number(updated.numUpdatedRows) !== 1) throw conflict(undefined, wf.latest_version)
        await audit.record({ actor: actor.email, action, workflowId: id, details: details(number) }, trx)
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(undefined, wf.latest_version)
      throw err
    }
    return { id, version: number, title: checked.model.title }
  }

  async function setWebhookSecret(actor: Actor, id: string, secret: string | null) {
    await requireWorkflow(id)
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('workflows')
        .set({ webhook_secret: secret, updated_at: now(), updated_by: actor.email })
        .where('id', '=', id)
        .execute()
      // The audit entry records that the secret changed, never its value.
      await audit.record(
        {
          actor: actor.email,
          action: 'workflow.webhook-secret',
          workflowId: id,
          details: { set: secret !== null },
        },
        trx,
      )
    })
    return { webhookSecretSet: secret !== null }
  }

  return {
    requireWorkflow,

    async list(filter: { search?: string; includeArchived?: boolean }) {
      let q = db.selectFrom('workflows').selectAll()
      if (!filter.includeArchived) q = q.where('archived', '=', 0)
      if (filter.search?.trim()) {
        const pattern = `%${filter.search.trim().toLowerCase()}%`
        q = q.where((eb) => eb(eb.fn('lower', ['title']), 'like', pattern))
      }
      const rows = await q.orderBy('updated_at', 'desc').execute()
      // Workflows that were ever live keep their history: they can be archived, not deleted.
      const everLive = new Set(
        (
          await db
            .selectFrom('workflow_versions')
            .select('workflow_id')
            .where('published_at', 'is not', null)
            .distinct()
            .execute()
        ).map((r) => r.workflow_id),
      )
      return rows.map((r) => ({
        id: r.id,
        title: r.title,
        status: (r.published_version === null ? 'draft' : 'published') as 'draft' | 'published',
        latestVersion: r.latest_version,
        publishedVersion: r.published_version,
        updatedAt: r.updated_at,
        updatedBy: r.updated_by,
        archived: r.archived === 1,
        everPublished: r.published_version !== null || everLive.has(r.id),
      }))
    },

    async get(id: string, versionNumber?: number) {
      const wf = await requireWorkflow(id)
      const number = versionNumber ?? wf.latest_version
      const row = await db
        .selectFrom('workflow_versions')
        .selectAll()
        .where('workflow_id', '=', id)
        .where('number', '=', number)
        .executeTakeFirst()
      if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Workflow ${id} has no version ${number}` })
      const wasLive =
        wf.published_version !== null ||
        !!(await db
          .selectFrom('workflow_versions')
          .select('number')
          .where('workflow_id', '=', id)
          .where('published_at', 'is not', null)
          .executeTakeFirst())
      return {
        id: wf.id,
        title: wf.title,
        archived: wf.archived === 1,
        /** Was ever live: its history stays (archive, never delete). */
        everPublished: wasLive,
        latestVersion: wf.latest_version,
        publishedVersion: wf.published_version,
        webhookSecretSet: wf.webhook_secret !== null,
        webhookPath: `/api/hooks/${wf.id}`,
        createdAt: wf.created_at,
        createdBy: wf.created_by,
        updatedAt: wf.updated_at,
        updatedBy: wf.updated_by,
        version: toVersion(row),
      }
    },

    create: insertWorkflow,

    /**
     * Optimistic concurrency: the save names the version it started from. If another save
     * landed since, it is refused; the (workflow_id, number) primary key also refuses the
     * loser of two truly simultaneous saves, so nothing is ever overwritten.
     */
    async save(actor: Actor, input: { id: string; baseVersion: number; model: Workflow; message?: string }) {
      const { model, issues, errorCount, warningCount } = await checkWithConnections(input.model, catalog)
      const number = input.baseVersion + 1
      try {
        await db.transaction().execute(async (trx) => {
          const wf = await requireWorkflow(input.id, trx)
          if (wf.archived)
            throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Archived workflows are read-only' })
          if (wf.latest_version !== input.baseVersion) throw conflict(wf.latest_version, input.baseVersion)
          const at = now()
          await trx
            .insertInto('workflow_versions')
            .values({
              workflow_id: input.id,
              number,
              model: JSON.stringify(model),
              issues: JSON.stringify(issues),
              error_count: errorCount,
              warning_count: warningCount,
              author: actor.email,
              message: input.message?.trim() || null,
              created_at: at,
              published_at: null,
            })
            .execute()
          const updated = await trx
            .updateTable('workflows')
            .set({ latest_version: number, title: model.title, updated_at: at, updated_by: actor.email })
            .where('id', '=', input.id)
            .where('latest_version', '=', input.baseVersion)
            .executeTakeFirst()
          if (Number(updated.numUpdatedRows) !== 1) throw conflict(undefined, input.baseVersion)
          await audit.record(
            {
              actor: actor.email,
              action: 'workflow.save',
              workflowId: input.id,
              details: { version: number, errorCount, warningCount },
            },
            trx,
          )
        })
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(undefined, input.baseVersion)
        throw err
      }
      return { version: number, issues }
    },

    async archive(actor: Actor, id: string, archived: boolean) {
      await requireWorkflow(id)
      let scheduled: (() => Promise<void>) | undefined
      await db.transaction().execute(async (trx) => {
        // An archived workflow stops receiving events: archiving also unpublishes.
        const patch = archived ? { archived: 1, published_version: null } : { archived: 0 }
        if (archived) scheduled = await schedules?.(trx, id, null)
        await trx
          .updateTable('workflows')
          .set({ ...patch, updated_at: now(), updated_by: actor.email })
          .where('id', '=', id)
          .execute()
        await audit.record(
          {
            actor: actor.email,
            action: archived ? 'workflow.archive' : 'workflow.unarchive',
            workflowId: id,
          },
          trx,
        )
      })
      await scheduled?.()
      return { id, archived }
    },

    async duplicate(actor: Actor, id: string) {
      const wf = await requireWorkflow(id)
      const row = await db
        .selectFrom('workflow_versions')
        .select('model')
        .where('workflow_id', '=', id)
        .where('number', '=', wf.latest_version)
        .executeTakeFirstOrThrow()
      const model = JSON.parse(row.model) as Workflow
      return insertWorkflow(actor, { ...model, title: `Copy of ${model.title}` }, 'workflow.duplicate', {
        from: id,
        fromVersion: wf.latest_version,
      })
    },

    /** A new version whose only change is the title (versions are immutable). */
    rename(actor: Actor, id: string, title: string) {
      let from = ''
      return appendVersion(
        actor,
        id,
        (latest) => {
          from = latest.title
          return { ...latest, title }
        },
        `Renamed to “${title}”`,
        'workflow.rename',
        (version) => ({ from, to: title, version }),
      )
    },

    /** An old version's model becomes the newest version: a draft to look at, test and publish. */
    async restore(actor: Actor, id: string, version: number) {
      const old = await readVersionModel(db, id, version)
      return appendVersion(
        actor,
        id,
        () => old,
        `Restored from version ${version}`,
        'workflow.restore',
        (number) => ({ from: version, version: number }),
      )
    },

    /**
     * Deletes a workflow that never went live, with its versions and test runs. One that was
     * ever published is refused: its production runs and versions are the audit trail.
     */
    async remove(actor: Actor, id: string) {
      const wf = await requireWorkflow(id)
      const published = await db
        .selectFrom('workflow_versions')
        .select('number')
        .where('workflow_id', '=', id)
        .where('published_at', 'is not', null)
        .executeTakeFirst()
      if (wf.published_version !== null || published)
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `“${wf.title}” was published, so its history stays: archive it instead`,
        })
      await db.transaction().execute(async (trx) => {
        const runIds = trx.selectFrom('runs').select('id').where('workflow_id', '=', id)
        await trx.deleteFrom('run_trace').where('run_id', 'in', runIds).execute()
        await trx.deleteFrom('run_waits').where('workflow_id', '=', id).execute()
        await trx.deleteFrom('runs').where('workflow_id', '=', id).execute()
        await trx.deleteFrom('schedules').where('workflow_id', '=', id).execute()
        await trx.deleteFrom('source_subscriptions').where('workflow_id', '=', id).execute()
        await trx.deleteFrom('workflow_versions').where('workflow_id', '=', id).execute()
        const gone = await trx
          .deleteFrom('workflows')
          .where('id', '=', id)
          .where('published_version', 'is', null)
          .executeTakeFirst()
        // Published in the meantime: keep everything.
        if (Number(gone.numDeletedRows) !== 1)
          throw new TRPCError({ code: 'CONFLICT', message: `“${wf.title}” was just published: not deleted` })
        await audit.record(
          {
            actor: actor.email,
            action: 'workflow.delete',
            workflowId: id,
            details: { title: wf.title, versions: wf.latest_version },
          },
          trx,
        )
      })
      return { id, deleted: true }
    },

    /** A new random signing secret, returned this once: the app never shows it again. */
    async generateWebhookSecret(actor: Actor, id: string) {
      const secret = randomBytes(24).toString('hex')
      await setWebhookSecret(actor, id, secret)
      return { secret }
    },

    setWebhookSecret,
  }
}

export type WorkflowService = ReturnType<typeof createWorkflowService>
