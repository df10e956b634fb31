import { z } from 'zod'
import { publicProcedure, router, viewerProcedure } from '../trpc'

export const credentialsSchema = z.object({
  email: z.email().max(320),
  password: z.string().min(8, 'Use at least 8 characters').max(200),
})

const newPassword = credentialsSchema.shape.password
const linkToken = z.string().min(20).max(200)

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

  /** The set-password page asks whose link it is (and whether it still works) before showing the form. */
  passwordLink: publicProcedure
    .input(z.object({ token: linkToken }))
    .query(({ ctx, input }) => ctx.services.auth.passwordLink(input.token)),

  /** Sets a password through a one-time link (invitation or reset) and signs its owner in. */
  setPassword: publicProcedure
    .input(z.object({ token: linkToken, password: newPassword }))
    .mutation(async ({ ctx, input }) => {
      const { user, purpose, token, expiresAt } = await ctx.services.auth.setPasswordWithLink(
        input.token,
        input.password,
      )
      ctx.session.set(token, expiresAt)
      await ctx.services.audit.record({
        actor: user.email,
        action: 'user.set-password',
        details: { via: purpose === 'invite' ? 'invitation link' : 'reset link', ip: ctx.ip },
      })
      return user
    }),

  /** Any signed-in user changes their own password; the current one is required. */
  changePassword: viewerProcedure
    .input(z.object({ currentPassword: z.string().max(200), newPassword }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.auth.changePassword(ctx.user, { ...input, sessionToken: ctx.session.token })
      await ctx.services.audit.record({ actor: ctx.user.email, action: 'user.change-password' })
      return { ok: true }
    }),
})
