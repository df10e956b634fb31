import { TRPCError } from '@trpc/server'
import { v7 as timeOrderedId } from 'uuid'
import type { Db } from '../db'
import { now } from '../db'
import type { RunKind, RunStatus, RunsTable } from '../db/schema'
import type { AuditService } from './audit'
import type { ScheduleEvent, TraceEvent, Workflow } from './engine'
import type { RunPool } from './execution/run-pool'
import type { RunJob, RunQueue } from './run-queue'
import type { HotQueries } from './run-store/hot-queries'
import type { RunWriter } from './run-store/run-writer'
import { lastSeq, readTrace } from './run-store/trace-rows'
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
  /** Include the dry replays of branch previews (left out by default). */
  previews?: boolean
}

type RunRow = Omit<RunsTable, 'model' | 'mocks' | 'state' | 'event' | 'wake'>

function toRun(r: RunRow) {
  return {
    id: r.id,
    workflowId: r.workflow_id,
    version: r.version,
    kind: r.kind,
    status: r.status,
    trigger: r.trigger as 'manual' | 'webhook' | 'retry' | 'schedule' | 'source',
    dryRun: r.dry_run === 1,
    messageId: r.message_id,
    actor: r.actor,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    error: r.error,
    /** Set while a live run is suspended at a wait step. */
    waitingUntil: r.status === 'waiting' ? r.resume_at : null,
    /** The run this one retries. */
    retryOf: r.retry_of,
  }
}

const UNFINISHED: RunStatus[] = ['queued', 'running', 'waiting']

/** What a waiting run waits for beyond a time (an event, a decision), for the run page; null for plain waits. */
async function waitingFor(db: Db, runId: string) {
  const row = await db.selectFrom('run_waits').selectAll().where('run_id', '=', runId).executeTakeFirst()
  if (!row) return null
  const task = row.task
    ? (JSON.parse(row.task) as { title: string; details: string; assignees: string[] })
    : null
  return {
    nodeId: row.node_id,
    kind: row.kind,
    until: row.until,
    /** A test run: the person testing picks the branch (runs.choose). */
    test: row.test === 1,
    ...(task ? { title: task.title, details: task.details, assignees: task.assignees } : {}),
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
  /** Executes runs here; asked to stop a run that is executing. */
  pool: Pick<RunPool, 'cancel'>
  writer: RunWriter
  hot: HotQueries
}

function jobOf(row: RunsTable, resume: boolean): RunJob {
  return {
    runId: row.id,
    workflowId: row.workflow_id,
    version: row.version,
    model: row.model ? (JSON.parse(row.model) as Workflow) : undefined,
    eventJson: row.event,
    mocks: row.mocks ? (JSON.parse(row.mocks) as Record<string, unknown>) : undefined,
    dryRun: row.dry_run === 1,
    acceptedAt: row.started_at,
    bytes: row.event.length,
    resume,
    ...(row.trigger_node ? { startAt: row.trigger_node } : {}),
  }
}

export function createRunService({ db, bus, queue, audit, workflows, pool, writer, hot }: RunServiceDeps) {
  async function accept(row: RunsTable, job: RunJob): Promise<void> {
    // Open the channel before the id is handed out: the first subscriber must not miss run.started.
    bus.open(row.id)
    await queue.enqueue(job.bytes === undefined ? Object.assign({}, job, { bytes: row.event.length }) : job)
  }

  /** What a new run's row holds besides its event, version and time (those are baseRow's). */
  type RowFields = Pick<
    RunsTable,
    'model' | 'kind' | 'trigger' | 'dry_run' | 'message_id' | 'mocks' | 'actor'
  > &
    Partial<Pick<RunsTable, 'id' | 'trigger_node' | 'retry_of'>>

  /**
   * A new queued run's row. `fields` are assigned onto it rather than the row spread into a
   * literal: V8 (Node 20) keeps an object literal that starts with a spread, and all it
   * references, through young-generation GCs until a full one (`npm run bench -- "run memory"`).
   * `eventJson`: the event's JSON as received, stored as is instead of serialized again.
   */
  function baseRow(
    workflowId: string,
    version: number | null,
    event: unknown,
    at: string,
    fields: RowFields,
    eventJson?: string,
  ): RunsTable {
    const row = {
      // Time-ordered (UUIDv7): runs accepted together are neighbours in every index keyed by
      // run id, so a commit writes a few index pages rather than one per run (random ids cost
      // a fifth more database work per run, and more as the tables grow).
      id: timeOrderedId(),
      workflow_id: workflowId,
      version,
      status: 'queued' as const,
      event: eventJson ?? JSON.stringify(event ?? null),
      error: null,
      started_at: at,
      finished_at: null,
      duration_ms: null,
      state: null,
      resume_at: null,
      retry_of: null,
      wake: null,
    }
    return Object.assign(row, fields)
  }

  /** Ends a run that is not executing anywhere: its trace and row say who cancelled it. */
  async function cancelIdle(runId: string, by: string): Promise<boolean> {
    const error = `cancelled by ${by}`
    const finishedAt = now()
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('runs')
        .set({ status: 'cancelled', error, finished_at: finishedAt, state: null, resume_at: null })
        .where('id', '=', runId)
        .where('status', 'in', ['queued', 'waiting'])
        .returning('started_at')
        .executeTakeFirst()
      if (!row) return false
      await trx.deleteFrom('run_waits').where('run_id', '=', runId).execute()
      const last = await lastSeq(trx, runId)
      const durationMs = Date.parse(finishedAt) - Date.parse(row.started_at)
      await trx.updateTable('runs').set({ duration_ms: durationMs }).where('id', '=', runId).execute()
      const event: TraceEvent = {
        type: 'run.finished',
        runId,
        at: finishedAt,
        status: 'cancelled',
        error,
        durationMs,
      }
      await trx
        .insertInto('run_trace')
        .values({
          run_id: runId,
          first_seq: last + 1,
          last_seq: last + 1,
          data: `[${JSON.stringify(event)}]`,
        })
        .execute()
      return true
    })
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
        /**
         * A replay of a branch preview (analytics/branch-preview.ts): hundreds per preview, so
         * not audited one by one (the preview is) and left out of run lists unless asked for.
         */
        preview?: boolean
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
      const row: RunsTable = baseRow(wf.id, version, input.event, at, {
        id: input.runId ?? timeOrderedId(),
        model: input.model ? JSON.stringify(input.model) : null,
        kind: 'test',
        trigger: input.preview ? 'preview' : 'manual',
        dry_run: dryRun ? 1 : 0,
        message_id: null,
        mocks: input.mocks ? JSON.stringify(input.mocks) : null,
        actor: actor.email,
      })
      // Live before it is stored: a subscriber waiting for this id (awaitStart) follows the
      // bus from the first event instead of catching up from the database afterwards.
      bus.open(row.id)
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('runs').values(row).execute()
          if (input.preview) return
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
    async acceptWebhook(
      workflowId: string,
      version: number,
      event: unknown,
      messageId: string | null,
      /** The body as received, when it is the event's JSON: stored as is instead of serialized again. */
      eventText?: string,
    ) {
      const at = now()
      const row: RunsTable = baseRow(
        workflowId,
        version,
        event,
        at,
        {
          model: null,
          kind: 'production',
          trigger: 'webhook',
          dry_run: 0,
          message_id: messageId,
          mocks: null,
          actor: null,
        },
        eventText,
      )
      const inserted = await hot.insertRun(row)
      if (!inserted) {
        const first = await db
          .selectFrom('runs')
          .select('id')
          .where('workflow_id', '=', workflowId)
          .where('message_id', '=', messageId)
          .executeTakeFirstOrThrow()
        return { runId: first.id, duplicate: true }
      }
      const carried = eventText === undefined ? { event } : { eventJson: eventText }
      await accept(row, { runId: row.id, workflowId, version, ...carried, dryRun: false, acceptedAt: at })
      return { runId: row.id, duplicate: false }
    },

    /**
     * Production runs for messages of a Segment source (one per message and subscribed
     * workflow), committed in one transaction before they are queued. A message whose
     * messageId already ran the workflow starts nothing: its entry is null.
     */
    async acceptMessages(
      items: { workflowId: string; version: number; event: unknown; messageId: string }[],
    ): Promise<(string | null)[]> {
      const at = now()
      const rows: RunsTable[] = items.map((item) =>
        baseRow(item.workflowId, item.version, item.event, at, {
          model: null,
          kind: 'production',
          trigger: 'source',
          dry_run: 0,
          message_id: item.messageId,
          mocks: null,
          actor: null,
        }),
      )
      const inserted = await hot.insertRuns(rows)
      const ids: (string | null)[] = []
      for (let i = 0; i < rows.length; i++) {
        if (!inserted[i]) {
          ids.push(null)
          continue
        }
        const { workflowId, version, event } = items[i]
        await accept(rows[i], {
          runId: rows[i].id,
          workflowId,
          version,
          event,
          dryRun: false,
          acceptedAt: at,
        })
        ids.push(rows[i].id)
      }
      return ids
    },

    /**
     * A production run for one occurrence of a schedule (services/schedules/). `claim` takes
     * the occurrence inside the transaction that stores the run, so an occurrence is either
     * claimed with its run committed or not at all; null when another process claimed it. The
     * key `schedule:<workflowId>:<nodeId>:<time>` in message_id makes a second delivery of the
     * same occurrence (a retried queue job) answer with the first run instead of a new one.
     */
    async acceptSchedule(
      occurrence: { workflowId: string; version: number; nodeId: string; at: string },
      claim?: (trx: Db) => Promise<boolean>,
    ): Promise<{ runId: string; duplicate: boolean } | null> {
      const { workflowId, version, nodeId, at } = occurrence
      const event: ScheduleEvent = { type: 'schedule', timestamp: at }
      const acceptedAt = now()
      const row: RunsTable = baseRow(workflowId, version, event, acceptedAt, {
        model: null,
        kind: 'production',
        trigger: 'schedule',
        dry_run: 0,
        message_id: `schedule:${workflowId}:${nodeId}:${at}`,
        mocks: null,
        actor: null,
        trigger_node: nodeId,
      })
      const inserted = await db.transaction().execute(async (trx) => {
        if (claim && !(await claim(trx))) return null
        const res = await trx
          .insertInto('runs')
          .values(row)
          .onConflict((oc) => oc.columns(['workflow_id', 'message_id']).doNothing())
          .executeTakeFirst()
        return Number(res.numInsertedOrUpdatedRows ?? 0) === 1
      })
      if (inserted === null) return null
      if (!inserted) {
        const first = await db
          .selectFrom('runs')
          .select('id')
          .where('workflow_id', '=', workflowId)
          .where('message_id', '=', row.message_id)
          .executeTakeFirstOrThrow()
        return { runId: first.id, duplicate: true }
      }
      await accept(row, jobOf(row, false))
      return { runId: row.id, duplicate: false }
    },

    async get(runId: string) {
      const row = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst()
      if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `No run ${runId}` })
      const events = await readTrace(db, runId)
      return {
        run: {
          ...toRun(row),
          waitingFor: row.status === 'waiting' ? await waitingFor(db, runId) : null,
          event: JSON.parse(row.event) as unknown,
          mocks: row.mocks ? (JSON.parse(row.mocks) as Record<string, unknown>) : null,
          model: row.model ? (JSON.parse(row.model) as Workflow) : null,
        },
        events: events.map((e) => e.event),
      }
    },

    async list(filter: RunFilter) {
      let q = db
        .selectFrom('runs')
        .leftJoin('run_waits', 'run_waits.run_id', 'runs.id')
        .select([
          'runs.id',
          'runs.workflow_id',
          'runs.version',
          'runs.kind',
          'runs.status',
          'runs.trigger',
          'runs.dry_run',
          'runs.message_id',
          'runs.actor',
          'runs.started_at',
          'runs.finished_at',
          'runs.duration_ms',
          'runs.error',
          'runs.resume_at',
          'runs.retry_of',
          'run_waits.kind as wait_kind',
        ])
      if (filter.workflowId) q = q.where('runs.workflow_id', '=', filter.workflowId)
      if (!filter.previews) q = q.where('runs.trigger', '!=', 'preview')
      if (filter.status) q = q.where('runs.status', '=', filter.status)
      if (filter.kind) q = q.where('runs.kind', '=', filter.kind)
      if (filter.version !== undefined) q = q.where('runs.version', '=', filter.version)
      if (filter.from) q = q.where('runs.started_at', '>=', filter.from)
      if (filter.to) q = q.where('runs.started_at', '<=', filter.to)
      const rows = await q
        .orderBy('runs.started_at', 'desc')
        .orderBy('runs.id')
        .limit(filter.limit ?? 100)
        .execute()
      // What a waiting run waits for: a time, an event or a decision.
      return rows.map((r) => ({
        ...toRun(r),
        waitingKind: r.status === 'waiting' ? (r.wait_kind ?? 'time') : null,
      }))
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
      let pollMs = POLL_MS
      while (!signal?.aborted) {
        if (live) {
          for await (const item of live) {
            last = item.seq
            if (item.event.type === 'run.finished') {
              // Live events run ahead of the group commit: whoever sees the end may read the run next.
              await writer.flushed().catch(() => {})
              yield item
              return
            }
            yield item
          }
          // The live segment ended without finishing (suspended at a wait): follow the database.
          live = null
        }
        const { status } = await db
          .selectFrom('runs')
          .select('status')
          .where('id', '=', runId)
          .executeTakeFirstOrThrow()
        const rows = await readTrace(db, runId, last)
        for (const r of rows) {
          last = r.seq
          yield r
          if (r.event.type === 'run.finished') return
        }
        if (!UNFINISHED.includes(status)) return
        // Resumed here (an event, a decision, the timeout): go live again.
        live = bus.subscribe(runId, last, signal)
        if (live) continue
        // A run waiting for hours should not cost a query every 250 ms per watcher.
        pollMs = rows.length > 0 || status !== 'waiting' ? POLL_MS : Math.min(pollMs * 2, 2_000)
        await sleep(pollMs)
      }
    },

    /**
     * At start: every run a previous process accepted but did not finish continues, from its
     * last checkpoint when it has one (DESIGN §4 Durability). Waiting runs are the wait
     * scheduler's. Returns how many were queued again.
     */
    async recover(): Promise<number> {
      const rows = await db
        .selectFrom('runs')
        .selectAll()
        .where('status', 'in', ['queued', 'running'])
        .orderBy('started_at')
        .execute()
      for (const row of rows) {
        bus.open(row.id)
        await queue.enqueue(jobOf(row, true))
      }
      return rows.length
    },

    /** Queues the next segment of a run the wait scheduler claimed. */
    async resume(runId: string): Promise<void> {
      const row = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst()
      if (!row) return
      bus.open(runId)
      await queue.enqueue(jobOf(row, true))
    },

    /** Stops a queued, running or waiting run; audited. */
    async cancel(actor: Actor, runId: string): Promise<{ status: 'cancelled' }> {
      const row = await db
        .selectFrom('runs')
        .select(['status', 'workflow_id', 'trigger'])
        .where('id', '=', runId)
        .executeTakeFirst()
      if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `No run ${runId}` })
      if (!UNFINISHED.includes(row.status))
        throw new TRPCError({ code: 'CONFLICT', message: `The run already ended (${row.status})` })
      queue.remove(runId)
      // Executing here: the engine stops at the current step and reports `cancelled`.
      if (!pool.cancel(runId)) {
        await writer.flushed().catch(() => {})
        if (await cancelIdle(runId, actor.email)) bus.close(runId)
      }
      if (row.trigger === 'preview') return { status: 'cancelled' }
      await audit.record({
        actor: actor.email,
        action: 'run.cancel',
        workflowId: row.workflow_id,
        details: { runId },
      })
      return { status: 'cancelled' }
    },

    /** A new run with the same event, version, mocks and mode as a failed or cancelled one. */
    async retry(actor: Actor, runId: string): Promise<{ runId: string }> {
      const first = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst()
      if (!first) throw new TRPCError({ code: 'NOT_FOUND', message: `No run ${runId}` })
      if (first.status !== 'failed' && first.status !== 'cancelled')
        throw new TRPCError({
          code: 'CONFLICT',
          message: `Only failed or cancelled runs can be retried (this one is ${first.status})`,
        })
      const row = baseRow(
        first.workflow_id,
        first.version,
        null,
        now(),
        {
          model: first.model,
          kind: first.kind,
          trigger: 'retry',
          dry_run: first.dry_run,
          message_id: null,
          mocks: first.mocks,
          actor: actor.email,
          trigger_node: first.trigger_node,
          retry_of: first.id,
        },
        first.event,
      )
      bus.open(row.id)
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('runs').values(row).execute()
        await audit.record(
          {
            actor: actor.email,
            action: 'run.retry',
            workflowId: row.workflow_id,
            details: { runId: row.id, retryOf: first.id },
          },
          trx,
        )
      })
      await queue.enqueue(jobOf(row, false))
      return { runId: row.id }
    },
  }
}

export type RunService = ReturnType<typeof createRunService>
