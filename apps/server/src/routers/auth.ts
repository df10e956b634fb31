import { z } from 'zod'
import { publicProcedure, router } from '../trpc'

export const credentialsSchema = z.object({
  email: z.email().max(320),
  password: z.string().min(8, 'Use at least 8 characters').max(200),
})

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user),

  login: publicProcedure
    .input(z.object({ email: z.string().max(320), password: z.string().max(200) }))
    .mutation(async ({ ctx, input }) => {
      const { user, token, expiresAt } = await ctx.services.auth.login({ ...input, ip: ctx.ip })
      ctx.session.set(token, expiresAt)
      await ctx.services.audit.record({ actor: user.email, action: 'auth.login', details: { ip: ctx.ip } })
      return user
    }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    await ctx.services.auth.logout(ctx.session.token)
    ctx.session.clear()
    if (ctx.user) await ctx.services.audit.record({ actor: ctx.user.email, action: 'auth.logout' })
    return { ok: true }
  }),

  /** The one-time "create the first admin" page; refused once any account exists. */
  setupFirstAdmin: publicProcedure.input(credentialsSchema).mutation(async ({ ctx, input }) => {
    const user = await ctx.services.auth.setupFirstAdmin(input)
    const { token, expiresAt } = await ctx.services.auth.createSession(user.id)
    ctx.session.set(token, expiresAt)
    await ctx.services.audit.record({ actor: user.email, action: 'auth.setup', details: { ip: ctx.ip } })
    return user
  }),
})
