import { createRequire } from 'node:module'
import { nodeTypeIds } from '../services/engine'
import { adminProcedure, publicProcedure, router } from '../trpc'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

export const systemRouter = router({
  info: publicProcedure.query(async ({ ctx }) => ({
    version,
    needsSetup: await ctx.services.auth.needsSetup(),
    nodeTypes: nodeTypeIds(),
  })),
  /** Where runs execute: this process (embedded) or BullMQ workers (queue mode), with depth and workers. */
  status: adminProcedure.query(async ({ ctx }) => {
    const qm = ctx.services.queueMode
    if (!qm) return { mode: 'embedded' as const, queue: { active: ctx.services.queue.size }, workers: [] }
    return qm.status()
  }),
})
