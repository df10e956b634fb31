import { z } from 'zod'
import { editorProcedure, router, viewerProcedure } from '../trpc'

/** Approvals waiting for people (DESIGN §4 `approval`): each user sees what is theirs to decide. */
export const inboxRouter = router({
  /** Tasks assigned to the signed-in user by address or role, oldest first (viewers: none). */
  list: viewerProcedure.query(({ ctx }) => ctx.services.waitingRuns.inbox(ctx.user)),

  /** Approve or reject; audited, and the run goes on along the branch of that name. */
  decide: editorProcedure
    .input(
      z.object({
        runId: z.string(),
        decision: z.enum(['approved', 'rejected']),
        comment: z.string().max(2_000).default(''),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.waitingRuns.decide(ctx.user, input.runId, input.decision, input.comment.trim()),
    ),
})
