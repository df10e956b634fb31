import { z } from 'zod'
import { editorProcedure, router } from '../trpc'

const name = z.string().trim().min(1, 'Give the source a name').max(200)

/** Segment-compatible sources (DESIGN §6, contract): editors create them and subscribe published workflows. */
export const sourcesRouter = router({
  create: editorProcedure
    .input(z.object({ name }))
    .mutation(({ ctx, input }) => ctx.services.sources.create(ctx.user, input.name)),

  list: editorProcedure.query(({ ctx }) => ctx.services.sources.list()),

  subscribe: editorProcedure
    .input(z.object({ sourceId: z.string(), workflowId: z.string() }))
    .mutation(({ ctx, input }) => ctx.services.sources.subscribe(ctx.user, input.sourceId, input.workflowId)),

  unsubscribe: editorProcedure
    .input(z.object({ sourceId: z.string(), workflowId: z.string() }))
    .mutation(({ ctx, input }) =>
      ctx.services.sources.unsubscribe(ctx.user, input.sourceId, input.workflowId),
    ),

  rotateKey: editorProcedure
    .input(z.object({ sourceId: z.string() }))
    .mutation(({ ctx, input }) => ctx.services.sources.rotateKey(ctx.user, input.sourceId)),

  /** The source's last 50 messages with the runs they started. */
  messages: editorProcedure
    .input(z.object({ sourceId: z.string() }))
    .query(({ ctx, input }) => ctx.services.sources.messages(input.sourceId)),
})
