import { z } from 'zod'
import { adminProcedure, router } from '../trpc'
import { credentialsSchema } from './auth'

export const roleSchema = z.enum(['admin', 'editor', 'viewer'])
const idInput = z.object({ id: z.string() })

/**
 * Account management, admins only. Audit entries name the account and what changed, never a
 * password or a link's token.
 */
export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.services.users.list()),

  create: adminProcedure
    .input(credentialsSchema.extend({ role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.services.users.create(input)
      await ctx.services.audit.record({
        actor: ctx.user.email,
        action: 'user.create',
        details: { email: user.email, role: user.role },
      })
      return user
    }),

  /**
   * A new account by e-mail: with a one-time set-password link (`link`, shown to the admin to
   * pass on; no mail server needed) or a generated temporary password (`password`, shown once).
   */
  invite: adminProcedure
    .input(
      z.object({
        email: credentialsSchema.shape.email,
        role: roleSchema,
        method: z.enum(['link', 'password']),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.services.users.invite(input, ctx.user.email)
      await ctx.services.audit.record({
        actor: ctx.user.email,
        action: 'user.invite',
        details: { email: result.user.email, role: result.user.role, method: input.method },
      })
      return result
    }),

  /** A fresh set-password link for an account (forgotten password, expired invitation); older links stop working. */
  newLink: adminProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.users.newLink(input.id, ctx.user.email)
    await ctx.services.audit.record({
      actor: ctx.user.email,
      action: 'user.password-link',
      details: { email: result.user.email, expiresAt: result.link.expiresAt },
    })
    return result
  }),

  setRole: adminProcedure
    .input(z.object({ id: z.string(), role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.services.users.setRole(input.id, input.role)
      await ctx.services.audit.record({
        actor: ctx.user.email,
        action: 'user.set-role',
        details: { email: user.email, role: user.role },
      })
      return user
    }),

  /** Deactivate (their sessions end at once, they cannot sign in) or reactivate an account. */
  setActive: adminProcedure
    .input(z.object({ id: z.string(), active: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.services.users.setActive(input.id, input.active, ctx.user)
      await ctx.services.audit.record({
        actor: ctx.user.email,
        action: input.active ? 'user.reactivate' : 'user.deactivate',
        details: { email: user.email },
      })
      return { ...user, active: input.active }
    }),
})
