// The only module that knows the server's router type: everything else imports from here.
import type { AppRouter } from '@flowline/server'
import { QueryClient } from '@tanstack/react-query'
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client'
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { createTRPCContext, createTRPCOptionsProxy } from '@trpc/tanstack-react-query'
import type { Workflow } from '../lib/engine'

export type { AppRouter }
export type RouterOutputs = inferRouterOutputs<AppRouter>
export type RouterInputs = inferRouterInputs<AppRouter>

export type CurrentUser = NonNullable<RouterOutputs['auth']['me']>
export type Role = 'admin' | 'editor' | 'viewer'
export type WorkflowSummary = RouterOutputs['workflows']['list'][number]
export type WorkflowDetail = RouterOutputs['workflows']['get']

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>()

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // Auth and validation errors will not fix themselves on retry.
        retry: (count, error) => count < 2 && !isClientError(error),
      },
    },
  })
}

export function makeTRPCClient() {
  const url = '/trpc'
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url }),
        false: httpBatchLink({ url }),
      }),
    ],
  })
}

export type TRPCClient = ReturnType<typeof makeTRPCClient>

/** The tRPC error code (`CONFLICT`, `UNAUTHORIZED`, …) of a failed call, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) return (error.data as { code?: string } | undefined)?.code
  return undefined
}

export function isClientError(error: unknown): boolean {
  const code = errorCode(error)
  return code !== undefined && code !== 'INTERNAL_SERVER_ERROR' && code !== 'TIMEOUT'
}

/** A message fit for a person: the server's message for tRPC errors, else the error text. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    // Input validation failures arrive as zod's JSON issue list.
    if (error.message.startsWith('[')) {
      try {
        const issues = JSON.parse(error.message) as { message: string; path?: unknown[] }[]
        return issues
          .map((i) => (i.path?.length ? `${i.path.join('.')}: ${i.message}` : i.message))
          .join('\n')
      } catch {
        // not JSON after all
      }
    }
    return error.message
  }
  if (error instanceof Error) return error.message
  return String(error)
}

/**
 * A model as the server sends it. tRPC's JSON typing loosens `unknown` fields to optional;
 * the value is the same model the engine validated.
 */
export const modelOf = (detail: { version: { model: unknown } }): Workflow => detail.version.model as Workflow

/**
 * Starts loading what the first screen needs before React renders: the workflow of an
 * editor URL arrives together with the session instead of after it.
 */
export function prefetchFor(
  route: { name: string; id?: string },
  queryClient: QueryClient,
  client: TRPCClient,
) {
  const trpc = createTRPCOptionsProxy<AppRouter>({ client, queryClient })
  void queryClient.prefetchQuery(trpc.system.info.queryOptions())
  void queryClient.prefetchQuery(trpc.auth.me.queryOptions())
  if (route.name === 'editor' && route.id)
    void queryClient.prefetchQuery(trpc.workflows.get.queryOptions({ id: route.id }))
}
