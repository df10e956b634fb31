import { createRequire } from 'node:module'
import { nodeTypeIds } from '../services/engine'
import { publicProcedure, router } from '../trpc'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

export const systemRouter = router({
  info: publicProcedure.query(async ({ ctx }) => ({
    version,
    needsSetup: await ctx.services.auth.needsSetup(),
    nodeTypes: nodeTypeIds(),
  })),
})
