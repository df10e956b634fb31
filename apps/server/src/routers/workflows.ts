import { z } from 'zod'
import {
  emptyModel,
  fillSoleConnections,
  loadTemplate,
  parseNotation,
  TEMPLATES,
  type TemplateId,
  workflowSchema,
} from '../services/engine'
import { sendTestDelivery } from '../services/test-delivery'
import { editorProcedure, router, viewerProcedure } from '../trpc'

const idInput = z.object({ id: z.string() })
const templateId = z.enum(TEMPLATES.map((t) => t.id) as [TemplateId, ...TemplateId[]])

// Most specific shape first: zod objects ignore unknown keys, so `{title?}` would match anything.
const createInput = z
  .union([
    z.object({
      template: z.enum(TEMPLATES.map((t) => t.id) as [string, ...string[]]),
      /** The name asked for first; the template's own title otherwise. */
      title: z.string().max(200).optional(),
    }),
    z.object({ notation: z.string().max(2_000_000), file: z.string().max(200).optional() }),
    z.object({ model: workflowSchema }),
    z.object({ title: z.string().max(200).optional() }),
  ])
  .optional()

export const workflowsRouter = router({
  list: viewerProcedure
    .input(
      z
        .object({ search: z.string().max(200).optional(), includeArchived: z.boolean().optional() })
        .optional(),
    )
    .query(({ ctx, input }) => ctx.services.workflows.list(input ?? {})),

  get: viewerProcedure
    .input(z.object({ id: z.string(), version: z.number().int().min(1).optional() }))
    .query(({ ctx, input }) => ctx.services.workflows.get(input.id, input.version)),

  templates: viewerProcedure.query(() => TEMPLATES),

  /** A template's model as creating it starts out (connections not yet filled in): the gallery's preview. */
  templateModel: viewerProcedure
    .input(z.object({ id: templateId }))
    .query(({ ctx, input }) => loadTemplate(input.id, ctx.services.serverUrl())),

  create: editorProcedure.input(createInput).mutation(async ({ ctx, input = {} }) => {
    const wf = ctx.services.workflows
    if ('template' in input) {
      const template = await loadTemplate(
        input.template as (typeof TEMPLATES)[number]['id'],
        ctx.services.serverUrl(),
      )
      const filled = fillSoleConnections(template, (await ctx.services.connections.catalog()).values())
      const title = 'title' in input && typeof input.title === 'string' ? input.title.trim() : ''
      const model = title ? { ...filled, title } : filled
      return wf.create(ctx.user, model, 'workflow.create', { template: input.template })
    }
    if ('notation' in input) {
      return wf.create(ctx.user, parseNotation(input.notation, input.file), 'workflow.create', {
        from: 'notation',
      })
    }
    if ('model' in input) return wf.create(ctx.user, input.model, 'workflow.create', { from: 'model' })
    return wf.create(ctx.user, emptyModel(input.title?.trim() || 'Untitled workflow'), 'workflow.create')
  }),

  save: editorProcedure
    .input(
      z.object({
        id: z.string(),
        baseVersion: z.number().int().min(1),
        model: workflowSchema,
        message: z.string().max(500).optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.workflows.save(ctx.user, input)),

  publish: editorProcedure
    .input(z.object({ id: z.string(), version: z.number().int().min(1) }))
    .mutation(({ ctx, input }) => ctx.services.versions.publish(ctx.user, input.id, input.version)),

  unpublish: editorProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.versions.unpublish(ctx.user, input.id)),

  archive: editorProcedure
    .input(z.object({ id: z.string(), archived: z.boolean().optional() }))
    .mutation(({ ctx, input }) => ctx.services.workflows.archive(ctx.user, input.id, input.archived ?? true)),

  /** A new version with the new title (versions are immutable); audited as a rename. */
  rename: editorProcedure
    .input(z.object({ id: z.string(), title: z.string().trim().min(1, 'Give it a name').max(200) }))
    .mutation(({ ctx, input }) => ctx.services.workflows.rename(ctx.user, input.id, input.title)),

  /** Deletes a draft that was never published (with its versions and test runs). */
  delete: editorProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.workflows.remove(ctx.user, input.id)),

  duplicate: editorProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.workflows.duplicate(ctx.user, input.id)),

  /** A new random signing secret, shown this once (the previous one stops working). */
  generateWebhookSecret: editorProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.workflows.generateWebhookSecret(ctx.user, input.id)),

  /**
   * Posts an event to the workflow's own webhook, signed when a secret is set: the trigger
   * panel's "Send test event". It is a real delivery, so it runs the published version.
   */
  sendTestEvent: editorProcedure
    .input(z.object({ id: z.string(), event: z.record(z.string(), z.unknown()) }))
    .mutation(async ({ ctx, input }) => {
      const wf = await ctx.services.workflows.requireWorkflow(input.id)
      const delivery = await sendTestDelivery({
        serverUrl: ctx.services.serverUrl(),
        workflowId: wf.id,
        secret: wf.webhook_secret,
        event: input.event,
      })
      await ctx.services.audit.record({
        actor: ctx.user.email,
        action: 'workflow.test-event',
        workflowId: wf.id,
        details: { status: delivery.status, runId: delivery.runId },
      })
      return delivery
    }),

  setWebhookSecret: editorProcedure
    .input(z.object({ id: z.string(), secret: z.string().min(8).max(500).nullable() }))
    .mutation(({ ctx, input }) => ctx.services.workflows.setWebhookSecret(ctx.user, input.id, input.secret)),
})
