import { z } from 'zod'
import { adminProcedure, router } from '../trpc'
import { credentialsSchema } from './auth'

export const roleSchema = z.enum(['admin', 'editor', 'viewer'])

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
})
