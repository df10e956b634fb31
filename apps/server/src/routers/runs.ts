import { tracked } from '@trpc/server'
import { z } from 'zod'
import { workflowSchema } from '../services/engine'
import { editorProcedure, router, viewerProcedure } from '../trpc'

export const runsRouter = router({
  /** A test run of a saved version (latest by default) or of the unsaved draft; dry unless `live`. */
  start: editorProcedure
    .input(
      z.object({
        workflowId: z.string(),
        version: z.number().int().min(1).optional(),
        model: workflowSchema.optional(),
        event: z.unknown(),
        mocks: z.record(z.string(), z.unknown()).optional(),
        live: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.runs.startTestRun(ctx.user, input)),

  get: viewerProcedure
    .input(z.object({ runId: z.string() }))
    .query(({ ctx, input }) => ctx.services.runs.get(input.runId)),

  list: viewerProcedure
    .input(
      z
        .object({
          workflowId: z.string().optional(),
          status: z.enum(['running', 'succeeded', 'failed', 'interrupted']).optional(),
          kind: z.enum(['test', 'production']).optional(),
          version: z.number().int().optional(),
          from: z.string().optional(),
          to: z.string().optional(),
          limit: z.number().int().min(1).max(1000).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => ctx.services.runs.list(input ?? {})),

  /**
   * Live trace over SSE. Each event carries its sequence number as the SSE id, so a
   * reconnecting client (httpSubscriptionLink sends lastEventId) resumes without gaps.
   */
  onTrace: viewerProcedure
    .input(z.object({ runId: z.string(), lastEventId: z.string().nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const afterSeq = Number(input.lastEventId ?? 0) || 0
      for await (const { seq, event } of ctx.services.runs.trace(input.runId, afterSeq, signal)) {
        yield tracked(String(seq), event)
      }
    }),
})
