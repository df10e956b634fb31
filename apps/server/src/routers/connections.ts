import { z } from 'zod'
import { connectionTypes } from '../services/engine'
import { editorProcedure, router, viewerProcedure } from '../trpc'

const name = z.string().trim().min(1, 'name is empty').max(100)
const config = z.record(z.string(), z.unknown())
// Secrets are write-only: accepted here, stored sealed, never part of any output.
const secret = z.string().max(4096)

/** Named, typed credentials (services/connections.ts). Editors and admins manage them. */
export const connectionsRouter = router({
  list: viewerProcedure
    .input(z.object({ type: z.enum(connectionTypes).optional() }).optional())
    .query(({ ctx, input }) => ctx.services.connections.list(ctx.user.role, input ?? {})),

  create: editorProcedure
    .input(z.object({ name, type: z.enum(connectionTypes), config, secret: secret.optional() }))
    .mutation(({ ctx, input }) => ctx.services.connections.create(ctx.user, input)),

  /** Rename, change settings, or rotate the secret (a new `secret`); takes effect for the next run. */
  update: editorProcedure
    .input(
      z.object({
        id: z.string(),
        name: name.optional(),
        config: config.optional(),
        secret: secret.optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.connections.update(ctx.user, input)),

  /** A harmless read-only request through the guarded client; reports what happened. */
  test: editorProcedure
    .input(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => ctx.services.connections.test(ctx.user, input.id)),

  delete: editorProcedure
    .input(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => ctx.services.connections.remove(ctx.user, input.id)),
})
