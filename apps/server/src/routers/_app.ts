import { router } from '../trpc'
import { analyticsRouter } from './analytics'
import { auditRouter } from './audit'
import { authRouter } from './auth'
import { connectionsRouter } from './connections'
import { inboxRouter } from './inbox'
import { runsRouter } from './runs'
import { sourcesRouter } from './sources'
import { systemRouter } from './system'
import { usersRouter } from './users'
import { versionsRouter } from './versions'
import { workflowsRouter } from './workflows'

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  users: usersRouter,
  workflows: workflowsRouter,
  versions: versionsRouter,
  runs: runsRouter,
  audit: auditRouter,
  connections: connectionsRouter,
  inbox: inboxRouter,
  sources: sourcesRouter,
  analytics: analyticsRouter,
})

export type AppRouter = typeof appRouter
