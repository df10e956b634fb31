import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import type { Workflow } from '../lib/engine'
import { type RouterInputs, type RouterOutputs, type TRPCClient, useTRPC, useTRPCClient } from './trpc'

/** Read-only queries of the audit area: versions, runs and the audit log. Nothing here mutates. */
export type VersionSummary = RouterOutputs['versions']['list'][number]
export type VersionDetail = RouterOutputs['versions']['get']
export type RunSummary = RouterOutputs['runs']['list'][number]
export type AuditEntry = RouterOutputs['audit']['list'][number]
export type AuditFilter = Omit<NonNullable<RouterInputs['audit']['list']>, 'before' | 'limit'>
export type RunFilter = NonNullable<RouterInputs['runs']['list']>

/** tRPC's JSON typing loosens the model's `unknown` config; it is the model the server validated. */
export const versionModel = (v: { model: unknown }): Workflow => v.model as Workflow

/** Saved versions never change, so what was loaded once stays good. */
const IMMUTABLE = { staleTime: Number.POSITIVE_INFINITY }

export function useWorkflowIndex() {
  const trpc = useTRPC()
  const list = useQuery(trpc.workflows.list.queryOptions({ includeArchived: true }))
  const titles = new Map((list.data ?? []).map((w) => [w.id, w.title || 'Untitled workflow']))
  return { list, titles }
}

export function useVersions(workflowId: string) {
  const trpc = useTRPC()
  return useQuery(trpc.versions.list.queryOptions({ workflowId }))
}

export function useVersion(workflowId: string, version: number | undefined) {
  const trpc = useTRPC()
  return useQuery(
    trpc.versions.get.queryOptions(
      { workflowId, version: version ?? 1 },
      { ...IMMUTABLE, enabled: !!version },
    ),
  )
}

export function useRuns(filter: RunFilter) {
  const trpc = useTRPC()
  return useQuery(trpc.runs.list.queryOptions(filter, { refetchInterval: 10_000 }))
}

export function useAuditFacets() {
  const trpc = useTRPC()
  return useQuery(trpc.audit.facets.queryOptions())
}

export const AUDIT_PAGE = 100

/** The log newest first, a page at a time (the `before` cursor is the last id seen). */
export function useAuditLog(filter: AuditFilter) {
  const trpc = useTRPC()
  const client = useTRPCClient()
  return useInfiniteQuery({
    // Under tRPC's key for audit.list, so invalidating the procedure refreshes this too.
    queryKey: [...trpc.audit.list.queryKey(filter), 'pages'],
    queryFn: ({ pageParam }) => client.audit.list.query({ ...filter, before: pageParam, limit: AUDIT_PAGE }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.length === AUDIT_PAGE ? last.at(-1)?.id : undefined),
  })
}

/** Every entry matching the filter, for export: pages of 1,000 until the log runs out. */
export async function fetchAllAudit(client: TRPCClient, filter: AuditFilter): Promise<AuditEntry[]> {
  const out: AuditEntry[] = []
  let before: number | undefined
  for (;;) {
    const page = await client.audit.list.query({ ...filter, before, limit: 1000 })
    out.push(...page)
    if (page.length < 1000) return out
    before = page.at(-1)!.id
  }
}
