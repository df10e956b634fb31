import { sql } from 'kysely'
import type { Db } from '../../db'

/** The hour bucket ('YYYY-MM-DDTHH', UTC) a time falls in: the rollup's resolution. */
export const hourOf = (iso: string): string => new Date(iso).toISOString().slice(0, 13)

export interface RollupScope {
  workflowId: string
  /** null: every version. */
  version: number | null
  /** First and last hour bucket, inclusive. */
  fromHour: string
  toHour: string
}

/** Runs that finished one way in one hour: their end status and what they touched. */
export interface PathCount {
  hour: string
  status: string
  /** r:<node> reached, s:<node> succeeded, f:<node> failed, t:<edge> taken. */
  tokens: string[]
  count: number
}

export interface WaitingCount {
  hour: string
  nodeId: string
  count: number
}

/**
 * The paths behind `<status>|<path id>` items, each parsed once: one indexed read of the few
 * distinct paths a window holds. Rows of one path share its token array.
 */
export async function pathsOf(db: Db, items: Iterable<string>) {
  const ids = new Set<number>()
  for (const item of items) ids.add(Number(item.slice(item.indexOf('|') + 1)))
  const tokens = new Map<number, string[]>()
  const all = [...ids]
  for (let i = 0; i < all.length; i += 500) {
    const rows = await db
      .selectFrom('analytics_paths')
      .select(['id', 'signature'])
      .where('id', 'in', all.slice(i, i + 500))
      .execute()
    for (const r of rows) tokens.set(Number(r.id), JSON.parse(r.signature) as string[])
  }
  return (item: string) => {
    const bar = item.indexOf('|')
    return { status: item.slice(0, bar), tokens: tokens.get(Number(item.slice(bar + 1))) ?? [] }
  }
}

/**
 * The analytics view's one read: a range scan of the rollup's primary key (workflow, then
 * hour), summed over versions and shards per hour and item — never a read of runs — then
 * the distinct paths it names. Rows: hours × distinct paths, a few thousand for a busy week.
 */
export async function readRollup(db: Db, scope: RollupScope) {
  let q = db
    .selectFrom('analytics_rollup')
    .where('workflow_id', '=', scope.workflowId)
    .where('bucket', '>=', scope.fromHour)
    .where('bucket', '<=', scope.toHour)
  if (scope.version !== null) q = q.where('version', '=', scope.version)
  const rows = await q
    // PostgreSQL sums are bigint, which pg hands over as text.
    .select(['bucket', 'metric', 'item', sql<string | number>`sum(count)`.as('count')])
    .groupBy(['bucket', 'metric', 'item'])
    .execute()
  const readPath = await pathsOf(
    db,
    rows.filter((r) => r.metric === 'path').map((r) => r.item),
  )
  const paths: PathCount[] = []
  const waiting: WaitingCount[] = []
  for (const r of rows) {
    const count = Number(r.count)
    if (count === 0) continue
    if (r.metric === 'waiting') waiting.push({ hour: r.bucket, nodeId: r.item, count })
    else paths.push({ hour: r.bucket, ...readPath(r.item), count })
  }
  return { paths, waiting }
}
