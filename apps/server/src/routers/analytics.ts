import { z } from 'zod'
import { createAnalyticsService } from '../services/analytics'
import { router, viewerProcedure } from '../trpc'

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date and time')

/** Step and branch analytics (issue 22): viewers and up, read from the rollup only. */
export const analyticsRouter = router({
  workflow: viewerProcedure
    .input(
      z.object({
        workflowId: z.string(),
        /** null or absent: every version. */
        version: z.number().int().positive().nullish(),
        from: isoTime,
        to: isoTime,
      }),
    )
    .query(({ ctx, input }) =>
      createAnalyticsService(ctx.db).forWorkflow({ ...input, version: input.version ?? null }),
    ),
})
