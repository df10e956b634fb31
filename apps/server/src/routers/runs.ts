import { TRPCError, tracked } from '@trpc/server'
import { z } from 'zod'
import { workflowSchema } from '../services/engine'
import { editorProcedure, router, viewerProcedure } from '../trpc'

const AWAIT_START_MS = 120_000

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
        /** A fresh UUID the client picked, to open runs.onTrace ({awaitStart}) while this call is in flight. */
        runId: z.uuid().optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.runs.startTestRun(ctx.user, input)),

  /**
   * Runs the saved test cases of a model (typically the unsaved draft) the way publishing
   * does, and reports each one: the editor's "Run all" without creating a version first.
   */
  runTests: editorProcedure
    .input(z.object({ workflowId: z.string(), model: workflowSchema }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.workflows.requireWorkflow(input.workflowId)
      const results = await ctx.services.pool.runTests(input.model).catch((err: Error) => {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `The test cases could not run: ${err.message}`,
        })
      })
      return { results }
    }),

  /** Stops a queued, running or waiting run. */
  cancel: editorProcedure
    .input(z.object({ runId: z.string() }))
    .mutation(({ ctx, input }) => ctx.services.runs.cancel(ctx.user, input.runId)),

  /**
   * A test run waiting for an event or a decision goes on along the branch the person testing
   * picks (`received`, `timeout`, `approved` …); `output` is the event that "arrived".
   */
  choose: editorProcedure
    .input(
      z.object({ runId: z.string(), branch: z.string().min(1).max(200), output: z.unknown().optional() }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.waitingRuns.choose(ctx.user, input.runId, input.branch, input.output),
    ),

  /** Runs a failed or cancelled run again as a new run (same event, version, mocks and mode). */
  retry: editorProcedure
    .input(z.object({ runId: z.string() }))
    .mutation(({ ctx, input }) => ctx.services.runs.retry(ctx.user, input.runId)),

  get: viewerProcedure
    .input(z.object({ runId: z.string() }))
    .query(({ ctx, input }) => ctx.services.runs.get(input.runId)),

  list: viewerProcedure
    .input(
      z
        .object({
          workflowId: z.string().optional(),
          status: z.enum(['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled']).optional(),
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
    .input(
      z.object({
        runId: z.string(),
        lastEventId: z.string().nullish(),
        /**
         * A run with this id is about to be started (runs.start with `runId`): wait for it
         * (up to two minutes) instead of answering NOT_FOUND. The editor opens this stream
         * ahead of the click, so events flow the moment the run executes.
         */
        awaitStart: z.boolean().optional(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const afterSeq = Number(input.lastEventId ?? 0) || 0
      const awaitMs = input.awaitStart ? AWAIT_START_MS : 0
      for await (const { seq, event } of ctx.services.runs.trace(input.runId, afterSeq, signal, awaitMs)) {
        yield tracked(String(seq), event)
      }
    }),
})
