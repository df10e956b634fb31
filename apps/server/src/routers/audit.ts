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
          from: z.string().optional(),
          to: z.string().optional(),
          before: z.number().int().optional(),
          limit: z.number().int().min(1).max(1000).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => ctx.services.audit.list(input ?? {})),

  /** Distinct actors and actions in the log, for the audit view's filters. */
  facets: viewerProcedure.query(({ ctx }) => ctx.services.audit.facets()),
})
