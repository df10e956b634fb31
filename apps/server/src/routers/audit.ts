import { z } from 'zod'
import { router, viewerProcedure } from '../trpc'

export const auditRouter = router({
  list: viewerProcedure
    .input(
      z
        .object({
          workflowId: z.string().optional(),
          actor: z.string().optional(),
          action: z.string().optional(),
          limit: z.number().int().min(1).max(1000).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => ctx.services.audit.list(input ?? {})),
})
