import { initTRPC, TRPCError } from '@trpc/server'
import type { Context } from './context'
import type { Role } from './db/schema'
import { MAX_INPUT_DEPTH, nestedDeeperThan, tooDeepMessage } from './services/json-limits'

/**
 * The one tRPC instance. Role checks are middleware added before any `.input()`, so an
 * unauthorized caller is refused before its input is even parsed (no BAD_REQUEST leaks).
 */
const t = initTRPC.context<Context>().create({
  sse: {
    // Keeps proxies from closing idle trace streams while a run waits on a slow step.
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 20_000 },
  },
  errorFormatter({ shape, error }) {
    // Internal errors keep their stack out of responses; the server log has it.
    if (error.code === 'INTERNAL_SERVER_ERROR')
      return { ...shape, message: 'Internal server error', data: { ...shape.data, stack: undefined } }
    return { ...shape, data: { ...shape.data, stack: undefined } }
  },
})

export const router = t.router
export const createCallerFactory = t.createCallerFactory

/**
 * Every procedure: an input nested too deeply is a 400 with the reason before anything walks
 * it (zod, JSON.stringify on save, cloning into a run thread would overflow the stack: a 500).
 * Sizes are bounded by the HTTP handler (413).
 */
const boundedInput = t.middleware(async ({ getRawInput, next }) => {
  let raw: unknown
  try {
    raw = await getRawInput()
  } catch {
    // Unreadable input (e.g. `?input=undefined` to a procedure that takes none): the procedure's
    // own input parser, if it has one, answers as it always did.
    return next()
  }
  if (nestedDeeperThan(raw, MAX_INPUT_DEPTH))
    throw new TRPCError({ code: 'BAD_REQUEST', message: tooDeepMessage('The input', MAX_INPUT_DEPTH) })
  return next()
})

export const publicProcedure = t.procedure.use(boundedInput)

const rank: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 }

function requireRole(min: Role) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' })
    if (rank[ctx.user.role] < rank[min]) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This needs the ${min} role` })
    }
    return next({ ctx: { ...ctx, user: ctx.user } })
  })
}

/** Any signed-in user: read-only access to workflows, versions, runs and the audit log. */
export const viewerProcedure = t.procedure.use(requireRole('viewer')).use(boundedInput)
/** Edit, test-run, publish. Admins may too. */
export const editorProcedure = t.procedure.use(requireRole('editor')).use(boundedInput)
/** Account management. */
export const adminProcedure = t.procedure.use(requireRole('admin')).use(boundedInput)
