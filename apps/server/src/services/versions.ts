import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import { now } from '../db'
import type { AuditService } from './audit'
import { validate, type Workflow } from './engine'
import type { TestCaseOutcome } from './runs-tests'
import type { SchedulePublishHook } from './schedules'
import { type Actor, type ConnectionCatalog, toVersion, type WorkflowService } from './workflows'

export function createVersionService(
  db: Db,
  workflows: WorkflowService,
  audit: AuditService,
  /** Judges saved test cases off this thread (RunPool.runTests). */
  judgeTests: (model: Workflow) => Promise<TestCaseOutcome[]>,
  catalog: ConnectionCatalog,
  /** Registers the schedule triggers of what is live (services/schedules/). */
  schedules?: SchedulePublishHook,
) {
  async function requireVersion(workflowId: string, number: number) {
    const row = await db
      .selectFrom('workflow_versions')
      .selectAll()
      .where('workflow_id', '=', workflowId)
      .where('number', '=', number)
      .executeTakeFirst()
    if (!row)
      throw new TRPCError({ code: 'NOT_FOUND', message: `Workflow ${workflowId} has no version ${number}` })
    return row
  }

  return {
    requireVersion,

    async list(workflowId: string) {
      const wf = await workflows.requireWorkflow(workflowId)
      const rows = await db
        .selectFrom('workflow_versions')
        .select(['number', 'created_at', 'author', 'message', 'error_count', 'warning_count', 'published_at'])
        .where('workflow_id', '=', workflowId)
        .orderBy('number', 'desc')
        .execute()
      return rows.map((r) => ({
        number: r.number,
        createdAt: r.created_at,
        author: r.author,
        message: r.message,
        errorCount: r.error_count,
        warningCount: r.warning_count,
        published: r.number === wf.published_version,
        publishedAt: r.published_at,
      }))
    },

    async get(workflowId: string, number: number) {
      const wf = await workflows.requireWorkflow(workflowId)
      const row = await requireVersion(workflowId, number)
      return { workflowId, ...toVersion(row), published: wf.published_version === number }
    },

    /**
     * Publishing is the gate to real traffic: refused while the version has validation
     * errors or any of its saved test cases fails (the failing case is named).
     */
    async publish(actor: Actor, workflowId: string, number: number) {
      const wf = await workflows.requireWorkflow(workflowId)
      if (wf.archived)
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: 'Unarchive the workflow before publishing it',
        })
      const row = await requireVersion(workflowId, number)
      const model = JSON.parse(row.model) as Workflow
      // Judged now, against the connections that exist now: the same verdict the editor shows
      // (validate with the connection list), not the one stored when the version was saved.
      const connections = (await catalog()).values()
      const errors = validate(model, { connections }).filter((i) => i.severity === 'error')
      if (errors.length > 0 && errors.every((i) => i.code.startsWith('connection-')))
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `Version ${number} cannot send: ${errors[0].message}`,
        })
      if (errors.length > 0) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `Version ${number} has ${errors.length} validation error(s), e.g. ${errors[0].message}; fix them before publishing`,
        })
      }
      const failures = await judgeTests(model).then(
        (outcomes) =>
          outcomes.filter((o) => !o.passed).map((o) => ({ name: o.name, reason: o.reason ?? 'failed' })),
        (err: Error) => {
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: `The test cases could not run: ${err.message}`,
          })
        },
      )
      if (failures.length > 0) {
        const f = failures[0]
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `Test case "${f.name}" failed: ${f.reason}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''}`,
        })
      }
      const at = now()
      let scheduled: (() => Promise<void>) | undefined
      await db.transaction().execute(async (trx) => {
        scheduled = await schedules?.(trx, workflowId, { version: number, model })
        await trx
          .updateTable('workflows')
          .set({ published_version: number, updated_at: at, updated_by: actor.email })
          .where('id', '=', workflowId)
          .execute()
        await trx
          .updateTable('workflow_versions')
          .set({ published_at: at })
          .where('workflow_id', '=', workflowId)
          .where('number', '=', number)
          .execute()
        await audit.record(
          {
            actor: actor.email,
            action: 'workflow.publish',
            workflowId,
            details: { version: number, previous: wf.published_version },
          },
          trx,
        )
      })
      await scheduled?.()
      return { publishedVersion: number, publishedAt: at }
    },

    async unpublish(actor: Actor, workflowId: string) {
      const wf = await workflows.requireWorkflow(workflowId)
      let scheduled: (() => Promise<void>) | undefined
      await db.transaction().execute(async (trx) => {
        scheduled = await schedules?.(trx, workflowId, null)
        await trx
          .updateTable('workflows')
          .set({ published_version: null, updated_at: now(), updated_by: actor.email })
          .where('id', '=', workflowId)
          .execute()
        await audit.record(
          {
            actor: actor.email,
            action: 'workflow.unpublish',
            workflowId,
            details: { version: wf.published_version },
          },
          trx,
        )
      })
      await scheduled?.()
      return { publishedVersion: null }
    },
  }
}

export type VersionService = ReturnType<typeof createVersionService>
