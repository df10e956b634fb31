import type { Db } from '../../db'
import type { TraceEvent } from '../engine'
import { withRunId } from './stored-event'

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
