import type { Db } from '../../db'
import type { TraceEvent } from '../engine'
import { withRunId } from '../run-store/stored-event'
import { pathsOf } from './rollup-reader'

/**
 * What the rollup should hold, counted the slow way: every production run and its whole
 * trace, parsed here. Tests compare the two; nothing in the server reads this.
 * Keys are `hour|version|metric|item`.
 */
export async function directCount(db: Db, workflowId: string): Promise<Map<string, number>> {
  const runs = await db
    .selectFrom('runs')
    .select(['id', 'version', 'status', 'started_at'])
    .where('workflow_id', '=', workflowId)
    .where('kind', '=', 'production')
    .execute()
  const traces = await db
    .selectFrom('run_trace')
    .select(['run_id', 'first_seq', 'data'])
    .where(
      'run_id',
      'in',
      runs.map((r) => r.id),
    )
    .orderBy('run_id')
    .orderBy('first_seq')
    .execute()
  const eventsOf = new Map<string, TraceEvent[]>()
  for (const t of traces) {
    const stored = (JSON.parse(t.data) as TraceEvent[]).map((e) => withRunId(t.run_id, e))
    eventsOf.set(t.run_id, [...(eventsOf.get(t.run_id) ?? []), ...stored])
  }

  const counts = new Map<string, number>()
  const add = (key: string, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n)
  for (const run of runs) {
    const prefix = `${run.started_at.slice(0, 13)}|${run.version}|`
    const events = eventsOf.get(run.id) ?? []
    if (run.status === 'waiting') {
      const at = events.findLast((e) => e.type === 'run.suspended')
      if (at?.type === 'run.suspended') add(`${prefix}waiting|${at.nodeId}`)
    }
    if (!['succeeded', 'failed', 'cancelled'].includes(run.status)) continue
    const touched = new Set<string>([`run|${run.status}`])
    for (const e of events) {
      if (e.type === 'node.started') touched.add(`reached|${e.nodeId}`)
      else if (e.type === 'node.finished') touched.add(`succeeded|${e.nodeId}`)
      else if (e.type === 'node.failed' && e.retryInMs === undefined) touched.add(`failed|${e.nodeId}`)
      else if (e.type === 'edge.taken') touched.add(`taken|${e.edgeId}`)
    }
    for (const key of touched) add(prefix + key)
  }
  return counts
}

/** The rollup of a workflow in the same shape: paths expanded, shards summed, zeros left out. */
export async function rollupCount(db: Db, workflowId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('analytics_rollup')
    .select(['bucket', 'version', 'metric', 'item', 'count'])
    .where('workflow_id', '=', workflowId)
    .execute()
  const readPath = await pathsOf(
    db,
    rows.filter((r) => r.metric === 'path').map((r) => r.item),
  )
  const counts = new Map<string, number>()
  const add = (key: string, n: number) => counts.set(key, (counts.get(key) ?? 0) + n)
  const names: Record<string, string> = { r: 'reached', s: 'succeeded', f: 'failed', t: 'taken' }
  for (const r of rows) {
    const prefix = `${r.bucket}|${r.version}|`
    const n = Number(r.count)
    if (r.metric === 'waiting') {
      add(`${prefix}waiting|${r.item}`, n)
      continue
    }
    const { status, tokens } = readPath(r.item)
    add(`${prefix}run|${status}`, n)
    for (const t of tokens) add(`${prefix}${names[t[0]]}|${t.slice(2)}`, n)
  }
  for (const [key, n] of counts) if (n === 0) counts.delete(key)
  return counts
}
