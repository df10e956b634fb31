import type { Logger } from 'pino'
import type { Db } from '../db'
import { now } from '../db'
import { executeWorkflow, type RunDeps, type RunState, type TraceEvent, type Workflow } from './engine'
import type { EventSink } from './event-sink'
import type { RunJob } from './run-queue'
import type { TraceBus } from './trace-bus'

export interface RunWorkerDeps {
  db: Db
  bus: TraceBus
  sink: EventSink
  logger?: Logger
  runDeps: () => RunDeps
  loadVersionModel: (workflowId: string, version: number) => Promise<Workflow>
  /** A live run reached a wait: continue it at `resumeAt`. */
  onSuspended: (runId: string, resumeAt: string) => void
}

// One trace event stays under this; a 1 MiB webhook event would otherwise be stored again
// as the input of every step it flows through.
const MAX_EVENT_CHARS = 256 * 1024

/** The event as stored and streamed: oversized payload fields are replaced by a marker. */
function compact(event: TraceEvent): { event: TraceEvent; data: string } {
  const data = JSON.stringify(event)
  if (data.length <= MAX_EVENT_CHARS) return { event, data }
  const smaller: Record<string, unknown> = { ...event }
  for (const field of ['input', 'output', 'event'] as const) {
    const size = JSON.stringify(smaller[field] ?? null).length
    if (size > MAX_EVENT_CHARS / 4) smaller[field] = { $truncated: true, chars: size }
  }
  const compacted = smaller as unknown as TraceEvent
  return { event: compacted, data: JSON.stringify(compacted) }
}

/** Atomically takes a suspended run's state, so only one process resumes it. */
async function claimState(db: Db, runId: string): Promise<{ state: RunState; seq: number } | null> {
  const row = await db.selectFrom('runs').select('state').where('id', '=', runId).executeTakeFirst()
  if (!row?.state) return null
  const claimed = await db
    .updateTable('runs')
    .set({ state: null, resume_at: null })
    .where('id', '=', runId)
    .where('state', 'is not', null)
    .executeTakeFirst()
  if (Number(claimed.numUpdatedRows) !== 1) return null
  const last = await db
    .selectFrom('run_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('run_id', '=', runId)
    .executeTakeFirst()
  return { state: JSON.parse(row.state) as RunState, seq: Number(last?.seq ?? 0) }
}

/**
 * Executes one run (or the next segment of a suspended one): every trace event gets the
 * next sequence number, goes live on the bus and into the batched event sink. The run row
 * is finished only after its events are stored, so a client that sees `succeeded` can
 * always replay the complete trace.
 */
export function createRunWorker(deps: RunWorkerDeps) {
  return async function executeRun(job: RunJob): Promise<void> {
    let seq = 0
    let resumeFrom: RunState | undefined
    if (job.resume) {
      const claimed = await claimState(deps.db, job.runId)
      if (!claimed) return
      resumeFrom = claimed.state
      seq = claimed.seq
      deps.bus.open(job.runId)
    }
    let finished = false
    const emit = (raw: TraceEvent) => {
      seq++
      if (raw.type === 'run.finished') finished = true
      const { event, data } = compact(raw)
      deps.bus.publish(job.runId, { seq, event })
      deps.sink.push({
        run_id: job.runId,
        seq,
        type: event.type,
        node_id: 'nodeId' in event ? event.nodeId : null,
        data,
      })
    }

    let status: 'succeeded' | 'failed' = 'failed'
    let error: string | null = null
    try {
      const model = job.model ?? (await deps.loadVersionModel(job.workflowId, job.version!))
      const options = {
        ...deps.runDeps(),
        event: job.event,
        runId: job.runId,
        mocks: job.mocks,
        dryRun: job.dryRun,
      }
      const result = await executeWorkflow(
        model,
        { ...options, onEvent: emit, recordEvents: false },
        resumeFrom,
      )
      if (result.status === 'suspended' && result.state && result.resumeAt) {
        await deps.sink.flushed()
        await deps.db
          .updateTable('runs')
          .set({ state: JSON.stringify(result.state), resume_at: result.resumeAt })
          .where('id', '=', job.runId)
          .execute()
        deps.bus.close(job.runId)
        deps.onSuspended(job.runId, result.resumeAt)
        return
      }
      status = result.status === 'succeeded' ? 'succeeded' : 'failed'
      error = result.error ?? null
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
      deps.logger?.error({ err, runId: job.runId }, 'run crashed')
    }
    const finishedAt = now()
    const durationMs = Date.parse(finishedAt) - Date.parse(job.acceptedAt)
    // Subscribers end on run.finished; synthesize it when the executor could not.
    if (!finished) {
      emit({
        type: 'run.finished',
        runId: job.runId,
        at: finishedAt,
        status,
        error: error ?? undefined,
        durationMs,
      })
    }

    await deps.sink.flushed()
    await deps.db
      .updateTable('runs')
      .set({ status, error, finished_at: finishedAt, duration_ms: durationMs })
      .where('id', '=', job.runId)
      .where('status', '=', 'running')
      .execute()
    deps.bus.close(job.runId)
  }
}
