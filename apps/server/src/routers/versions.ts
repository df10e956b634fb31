import { z } from 'zod'
import { router, viewerProcedure } from '../trpc'

export const versionsRouter = router({
  list: viewerProcedure
    .input(z.object({ workflowId: z.string() }))
    .query(({ ctx, input }) => ctx.services.versions.list(input.workflowId)),

  get: viewerProcedure
    .input(z.object({ workflowId: z.string(), version: z.number().int().min(1) }))
    .query(({ ctx, input }) => ctx.services.versions.get(input.workflowId, input.version)),
})
