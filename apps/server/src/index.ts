// Types only: the web app imports `AppRouter` from here, so this module must stay free of side effects.

export type { Role, RunKind, RunStatus } from './db/schema'
export type { AppRouter } from './routers/_app'
export type { SessionUser } from './services/users'
