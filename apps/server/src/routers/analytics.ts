import { z } from 'zod'
import { createAnalyticsService } from '../services/analytics'
import { branchPreviewsOf } from '../services/analytics/branch-preview'
import { workflowSchema } from '../services/engine'
import { editorProcedure, router, viewerProcedure } from '../trpc'

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date and time')
const previewId = z.object({ previewId: z.string() })
const nodeId = z.string().min(1).max(200)
/** A/B split id → its conversion step; a workflow has a handful of splits. */
const goals = z
  .record(nodeId, nodeId)
  .refine((g) => Object.keys(g).length <= 50, 'at most 50 conversion steps')

/** Branch preview (issue 22): replaying production events against a draft is an editor's test run. */
const previewRouter = router({
  start: editorProcedure
    .input(
      z.object({
        workflowId: z.string(),
        /** A saved draft version; absent with no model: the latest version. */
        draftVersion: z.number().int().positive().optional(),
        /** An unsaved draft, as the editor holds it. */
        model: workflowSchema.optional(),
        limit: z.number().int().min(1).max(2_000).default(500),
      }),
    )
    .mutation(({ ctx, input }) => branchPreviewsOf(ctx.services, ctx.db, ctx.logger).start(ctx.user, input)),
  status: editorProcedure
    .input(previewId)
    .query(({ ctx, input }) => branchPreviewsOf(ctx.services, ctx.db, ctx.logger).status(input.previewId)),
  cancel: editorProcedure
    .input(previewId)
    .mutation(({ ctx, input }) => branchPreviewsOf(ctx.services, ctx.db, ctx.logger).cancel(input.previewId)),
})

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
        goals: goals.optional(),
      }),
    )
    .query(({ ctx, input }) =>
      createAnalyticsService(ctx.db, ctx.logger).forWorkflow({ ...input, version: input.version ?? null }),
    ),
  preview: previewRouter,
})
