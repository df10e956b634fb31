import { z } from 'zod'
import { editorProcedure, router, viewerProcedure } from '../trpc'

export const versionsRouter = router({
  list: viewerProcedure
    .input(z.object({ workflowId: z.string() }))
    .query(({ ctx, input }) => ctx.services.versions.list(input.workflowId)),

  get: viewerProcedure
    .input(z.object({ workflowId: z.string(), version: z.number().int().min(1) }))
    .query(({ ctx, input }) => ctx.services.versions.get(input.workflowId, input.version)),

  /** An old version's model as the newest version: a draft to test and publish again. */
  restore: editorProcedure
    .input(z.object({ workflowId: z.string(), version: z.number().int().min(1) }))
    .mutation(({ ctx, input }) => ctx.services.workflows.restore(ctx.user, input.workflowId, input.version)),
})
