import type { Db } from '../../db'
import type { RunTraceTable, TraceEventRow } from '../../db/schema'
import type { TraceEvent } from '../engine'
import { withRunId } from './stored-event'

/** Consecutive events of each run become one row; their JSON is joined, never parsed again. */
export function packTrace(events: TraceEventRow[]): RunTraceTable[] {
  const byRun = new Map<string, TraceEventRow[]>()
  for (const e of events) {
    const list = byRun.get(e.run_id)
    if (list) list.push(e)
    else byRun.set(e.run_id, [e])
  }
  const rows: RunTraceTable[] = []
  for (const [runId, list] of byRun) {
    let start = 0
    for (let i = 1; i <= list.length; i++) {
      // A gap in sequence numbers (never expected) starts another row rather than mislabel one.
      if (i < list.length && list[i].seq === list[i - 1].seq + 1) continue
      const part = list.slice(start, i)
      rows.push({
        run_id: runId,
        first_seq: part[0].seq,
        last_seq: part[part.length - 1].seq,
        data: `[${part.map((e) => e.data).join(',')}]`,
      })
      start = i
    }
  }
  return rows
}

/** A run's stored events with sequence numbers above `afterSeq`, in order. */
export async function readTrace(
  db: Db,
  runId: string,
  afterSeq = 0,
): Promise<{ seq: number; event: TraceEvent }[]> {
  const rows = await db
    .selectFrom('run_trace')
    .select(['first_seq', 'data'])
    .where('run_id', '=', runId)
    .where('last_seq', '>', afterSeq)
    .orderBy('first_seq')
    .execute()
  const out: { seq: number; event: TraceEvent }[] = []
  for (const row of rows) {
    const events = JSON.parse(row.data) as TraceEvent[]
    events.forEach((event, i) => {
      const seq = row.first_seq + i
      if (seq > afterSeq) out.push({ seq, event: withRunId(runId, event) })
    })
  }
  return out
}

/** The last sequence number stored for a run (0 when none). */
export async function lastSeq(db: Db, runId: string): Promise<number> {
  const row = await db
    .selectFrom('run_trace')
    .select((eb) => eb.fn.max('last_seq').as('seq'))
    .where('run_id', '=', runId)
    .executeTakeFirst()
  return Number(row?.seq ?? 0)
}

/** Each step's last output in a run's stored trace: what a checkpoint may leave out (run-host.ts). */
export async function traceOutputs(db: Db, runId: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const { event } of await readTrace(db, runId))
    if (event.type === 'node.finished') out[event.nodeId] = event.output
  return out
}
