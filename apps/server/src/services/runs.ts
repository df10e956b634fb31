import { randomUUID } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import { now } from '../db'
import type { RunKind, RunStatus, RunsTable } from '../db/schema'
import type { AuditService } from './audit'
import type { TraceEvent, Workflow } from './engine'
import type { RunJob, RunQueue } from './run-queue'
import type { SeqEvent, TraceBus } from './trace-bus'
import type { Actor, WorkflowService } from './workflows'

export interface RunFilter {
  workflowId?: string
  status?: RunStatus
  kind?: RunKind
  version?: number
  from?: string
  to?: string
  limit?: number
}

type RunRow = Omit<RunsTable, 'model' | 'mocks' | 'state' | 'event'>

function toRun(r: RunRow) {
  return {
    id: r.id,
    workflowId: r.workflow_id,
    version: r.version,
    kind: r.kind,
    status: r.status,
    trigger: r.trigger as 'manual' | 'webhook',
    dryRun: r.dry_run === 1,
    messageId: r.message_id,
    actor: r.actor,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    error: r.error,
    /** Set while a live run is suspended at a wait step. */
    waitingUntil: r.resume_at,
  }
}

const POLL_MS = 250
const START_POLL_MS = 10
const START_LOOKUP_MS = 1_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface RunServiceDeps {
  db: Db
  bus: TraceBus
  queue: RunQueue
  audit: AuditService
  workflows: WorkflowService
}

export function createRunService({ db, bus, queue, audit, workflows }: RunServiceDeps) {
  async function accept(row: RunsTable, job: RunJob): Promise<void> {
    // Open the channel before the id is handed out: the first subscriber must not miss run.started.
    bus.open(row.id)
    await queue.enqueue(job)
  }

  function baseRow(workflowId: string, version: number | null, event: unknown, at: string) {
    return {
      id: randomUUID(),
      workflow_id: workflowId,
      version,
      status: 'running' as const,
      event: JSON.stringify(event ?? null),
      error: null,
      started_at: at,
      finished_at: null,
      duration_ms: null,
      state: null,
      resume_at: null,
    }
  }

  return {
    async startTestRun(
      actor: Actor,
      input: {
        workflowId: string
        version?: number
        model?: Workflow
        event: unknown
        mocks?: Record<string, unknown>
        live?: boolean
        /** Chosen by the client, which then subscribes to the trace before the run exists. */
        runId?: string
      },
    ) {
      const wf = await workflows.requireWorkflow(input.workflowId)
      if (input.runId) {
        const taken = await db
          .selectFrom('runs')
          .select('id')
          .where('id', '=', input.runId)
          .executeTakeFirst()
        if (taken) throw new TRPCError({ code: 'CONFLICT', message: `Run ${input.runId} already exists` })
      }
      const version = input.model ? null : (input.version ?? wf.latest_version)
      if (version !== null) {
        const exists = await db
          .selectFrom('workflow_versions')
          .select('number')
          .where('workflow_id', '=', wf.id)
          .where('number', '=', version)
          .executeTakeFirst()
        if (!exists)
          throw new TRPCError({ code: 'NOT_FOUND', message: `Workflow ${wf.id} has no version ${version}` })
      }
      const at = now()
      const dryRun = !input.live
      const row: RunsTable = {
        ...baseRow(wf.id, version, input.event, at),
        ...(input.runId ? { id: input.runId } : {}),
        model: input.model ? JSON.stringify(input.model) : null,
        kind: 'test',
        trigger: 'manual',
        dry_run: dryRun ? 1 : 0,
        message_id: null,
        mocks: input.mocks ? JSON.stringify(input.mocks) : null,
        actor: actor.email,
      }
      // Live before it is stored: a subscriber waiting for this id (awaitStart) follows the
      // bus from the first event instead of catching up from the database afterwards.
      bus.open(row.id)
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('runs').values(row).execute()
          await audit.record(
            {
              actor: actor.email,
              action: 'run.test',
              workflowId: wf.id,
              details: { runId: row.id, version, draft: version === null, dryRun },
            },
            trx,
          )
        })
      } catch (err) {
        bus.close(row.id)
        throw err
      }
      await accept(row, {
        runId: row.id,
        workflowId: wf.id,
        version,
        model: input.model,
        event: input.event,
        mocks: input.mocks,
        dryRun,
        acceptedAt: at,
      })
      return { runId: row.id }
    },

    /**
     * A production run from a webhook delivery. The unique (workflow_id, message_id) index
     * makes dedupe atomic: of concurrent deliveries with one messageId exactly one inserts.
     */
    async acceptWebhook(workflowId: string, version: number, event: unknown, messageId: string | null) {
      const at = now()
      const row: RunsTable = {
        ...baseRow(workflowId, version, event, at),
        model: null,
        kind: 'production',
        trigger: 'webhook',
        dry_run: 0,
        message_id: messageId,
        mocks: null,
        actor: null,
      }
      const inserted = await db
        .insertInto('runs')
        .values(row)
        .onConflict((oc) => oc.columns(['workflow_id', 'message_id']).doNothing())
        .returning('id')
        .executeTakeFirst()
      if (!inserted) {
        const first = await db
          .selectFrom('runs')
          .select('id')
          .where('workflow_id', '=', workflowId)
          .where('message_id', '=', messageId)
          .executeTakeFirstOrThrow()
        return { runId: first.id, duplicate: true }
      }
      await accept(row, { runId: row.id, workflowId, version, event, dryRun: false, acceptedAt: at })
      return { runId: row.id, duplicate: false }
    },

    async get(runId: string) {
      const row = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst()
      if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `No run ${runId}` })
      const events = await db
        .selectFrom('run_events')
        .select('data')
        .where('run_id', '=', runId)
        .orderBy('seq')
        .execute()
      return {
        run: {
          ...toRun(row),
          event: JSON.parse(row.event) as unknown,
          mocks: row.mocks ? (JSON.parse(row.mocks) as Record<string, unknown>) : null,
          model: row.model ? (JSON.parse(row.model) as Workflow) : null,
        },
        events: events.map((e) => JSON.parse(e.data) as TraceEvent),
      }
    },

    async list(filter: RunFilter) {
      let q = db
        .selectFrom('runs')
        .select([
          'id',
          'workflow_id',
          'version',
          'kind',
          'status',
          'trigger',
          'dry_run',
          'message_id',
          'actor',
          'started_at',
          'finished_at',
          'duration_ms',
          'error',
          'resume_at',
        ])
      if (filter.workflowId) q = q.where('workflow_id', '=', filter.workflowId)
      if (filter.status) q = q.where('status', '=', filter.status)
      if (filter.kind) q = q.where('kind', '=', filter.kind)
      if (filter.version !== undefined) q = q.where('version', '=', filter.version)
      if (filter.from) q = q.where('started_at', '>=', filter.from)
      if (filter.to) q = q.where('started_at', '<=', filter.to)
      const rows = await q
        .orderBy('started_at', 'desc')
        .orderBy('id')
        .limit(filter.limit ?? 100)
        .execute()
      return rows.map(toRun)
    },

    /**
     * Stored events after `afterSeq`, then live ones, ending after run.finished. Runs live in
     * this process stream from the bus; others (finished, or running elsewhere) from the
     * database, polled while the run is still running.
     */
    async *trace(
      runId: string,
      afterSeq: number,
      signal?: AbortSignal,
      /** How long to wait for a run that is about to start (client-chosen id) before NOT_FOUND. */
      awaitStartMs = 0,
    ): AsyncGenerator<SeqEvent> {
      const find = () => db.selectFrom('runs').select('id').where('id', '=', runId).executeTakeFirst()
      let live = bus.subscribe(runId, afterSeq, signal)
      if (!live) {
        const until = Date.now() + awaitStartMs
        let exists = await find()
        let nextLookup = Date.now() + START_LOOKUP_MS
        // Waiting for a run about to start here: the bus (memory) is checked often, so the
        // stream attaches within milliseconds; the database (a run started by another
        // process, or one that already finished) only now and then.
        while (!exists && Date.now() < until && !signal?.aborted) {
          await sleep(START_POLL_MS)
          live = bus.subscribe(runId, afterSeq, signal)
          if (live) break
          if (Date.now() >= nextLookup) {
            exists = await find()
            nextLookup = Date.now() + START_LOOKUP_MS
          }
        }
        if (!live && !exists) throw new TRPCError({ code: 'NOT_FOUND', message: `No run ${runId}` })
        // Stored by now; still live here if it is running in this process.
        live ??= bus.subscribe(runId, afterSeq, signal)
      }
      let last = afterSeq
      if (live) {
        for await (const item of live) {
          last = item.seq
          yield item
          if (item.event.type === 'run.finished') return
        }
        // The live segment ended without finishing (suspended at a wait): follow the database.
      }
      let pollMs = POLL_MS
      while (!signal?.aborted) {
        const { status } = await db
          .selectFrom('runs')
          .select('status')
          .where('id', '=', runId)
          .executeTakeFirstOrThrow()
        const rows = await db
          .selectFrom('run_events')
          .select(['seq', 'data'])
          .where('run_id', '=', runId)
          .where('seq', '>', last)
          .orderBy('seq')
          .execute()
        for (const r of rows) {
          last = r.seq
          const event = JSON.parse(r.data) as TraceEvent
          yield { seq: r.seq, event }
          if (event.type === 'run.finished') return
        }
        if (status !== 'running') return
        // A run waiting for hours should not cost a query every 250 ms per watcher.
        pollMs = rows.length > 0 ? POLL_MS : Math.min(pollMs * 2, 5_000)
        await sleep(pollMs)
      }
    },

    /**
     * At start: runs a previous process left mid-execution can never finish now. Runs
     * suspended at a wait keep their state and are resumed instead.
     */
    async interruptLeftovers(reason = 'The server stopped before the run finished'): Promise<number> {
      const res = await db
        .updateTable('runs')
        .set({ status: 'interrupted', finished_at: now(), error: reason })
        .where('status', '=', 'running')
        .where('state', 'is', null)
        .executeTakeFirst()
      return Number(res.numUpdatedRows)
    },

    /** Suspended runs and when they continue (re-armed at start). */
    async suspended(): Promise<{ runId: string; resumeAt: string }[]> {
      const rows = await db
        .selectFrom('runs')
        .select(['id', 'resume_at'])
        .where('status', '=', 'running')
        .where('state', 'is not', null)
        .execute()
      return rows.map((r) => ({ runId: r.id, resumeAt: r.resume_at ?? now() }))
    },

    /** Queues the next segment of a suspended run; the worker claims its state atomically. */
    async resume(runId: string): Promise<void> {
      const row = await db
        .selectFrom('runs')
        .select(['workflow_id', 'version', 'model', 'event', 'mocks', 'dry_run', 'started_at'])
        .where('id', '=', runId)
        .where('state', 'is not', null)
        .executeTakeFirst()
      if (!row) return
      await queue.enqueue({
        runId,
        workflowId: row.workflow_id,
        version: row.version,
        model: row.model ? (JSON.parse(row.model) as Workflow) : undefined,
        event: JSON.parse(row.event),
        mocks: row.mocks ? (JSON.parse(row.mocks) as Record<string, unknown>) : undefined,
        dryRun: row.dry_run === 1,
        acceptedAt: row.started_at,
        resume: true,
      })
    },
  }
}

export type RunService = ReturnType<typeof createRunService>
