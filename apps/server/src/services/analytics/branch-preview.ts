import { randomUUID } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import type { Logger } from 'pino'
import type { Db } from '../../db'
import type { AuditService } from '../audit'
import type { TraceEvent, Workflow } from '../engine'
import type { RunQueue } from '../run-queue'
import { readTrace } from '../run-store/trace-rows'
import type { createRunService } from '../runs'
import { type Actor, readVersionModel } from '../workflows'
import {
  eventSummary,
  httpReadNodes,
  pathOfTrace,
  type ReplayPath,
  recordedOutputs,
  samePath,
} from './branch-preview-path'
import { compareSplits, draftStepCounts, type EdgeSplit } from './branch-preview-split'

type RunService = Pick<ReturnType<typeof createRunService>, 'startTestRun' | 'trace' | 'cancel'>

export interface PreviewDeps {
  db: Db
  runs: RunService
  /** Shared with live runs: the replay waits while they queue up. */
  queue: Pick<RunQueue, 'size'>
  /** One entry per preview (its dry replays are not audited one by one). */
  audit: Pick<AuditService, 'record'>
  logger?: Logger
}

export interface ChangedEvent {
  /** The production run whose event was replayed. */
  runId: string
  /** The draft's dry run of the same event: open it to see its trace on the canvas. */
  dryRunId: string
  summary: string
  at: string
  publishedPath: ReplayPath
  draftPath: ReplayPath
}

export interface PreviewStatus {
  previewId: string
  workflowId: string
  publishedVersion: number
  /** null: an unsaved draft model. */
  draftVersion: number | null
  total: number
  done: number
  finished: boolean
  cancelled: boolean
  /** Events whose dry run did not finish in time: left out of the comparison. */
  skipped: number
  /** The replay waits for live runs to drain (they go first). */
  waitingForLive: boolean
  error: string | null
  edges: EdgeSplit[]
  /** The draft's step counts over the replayed events (as the analytics overlay's). */
  draftSteps: ReturnType<typeof draftStepCounts>
  changed: ChangedEvent[]
  /** Changed events beyond the list's bound are counted, not listed. */
  changedCount: number
  /** HTTP reads with no recorded output (new in the draft, or never reached in production): they ran for real, as dry runs do. */
  liveReads: string[]
}

/** Replays at most this many events at once: a preview must never crowd out live runs. */
const REPLAY_CONCURRENCY = 2
/** Live runs queued or running beyond which the replay pauses (half the default run concurrency). */
const LIVE_BUSY = 16
const MAX_JOBS = 20
const MAX_RUNNING = 4
const MAX_CHANGED_LISTED = 200
const KEEP_MS = 30 * 60_000
/** A dry run that has not finished by then (e.g. waits for a decision) is stopped and counted as it stood. */
const DRY_RUN_TIMEOUT_MS = 30_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Job {
  status: Omit<PreviewStatus, 'edges' | 'draftSteps' | 'changed' | 'changedCount'>
  owner: string
  published: { model: Workflow; paths: ReplayPath[] }
  draft: { model: Workflow; paths: ReplayPath[] }
  changed: ChangedEvent[]
  changedCount: number
  abort: AbortController
  endedAt: number | null
}

/**
 * Branch preview (issue 22): the last production events of the published version run
 * again as dry test runs of a draft (side effects recorded, HTTP reads pinned to what
 * production received), and the two paths of each event are compared. Jobs live in memory:
 * a preview is a throwaway answer, bounded in number and forgotten after a while.
 */
export function createBranchPreviews({ db, runs, queue, audit, logger }: PreviewDeps) {
  const jobs = new Map<string, Job>()
  let inFlight = 0

  function prune(): void {
    const now = Date.now()
    for (const [id, job] of jobs) if (job.endedAt !== null && now - job.endedAt > KEEP_MS) jobs.delete(id)
    if (jobs.size < MAX_JOBS) return
    const oldestEnded = [...jobs]
      .filter(([, j]) => j.endedAt !== null)
      .sort((a, b) => a[1].endedAt! - b[1].endedAt!)
    for (const [id] of oldestEnded.slice(0, jobs.size - MAX_JOBS + 1)) jobs.delete(id)
  }

  /** One event: the draft's dry run, with the production run's HTTP reads as mocks. */
  async function replayOne(
    job: Job,
    actor: Actor,
    run: { id: string; event: string; started_at: string; status: string },
  ) {
    const recorded = (await readTrace(db, run.id)).map((r) => r.event)
    const publishedPath = pathOfTrace(recorded, run.status)
    const reads = httpReadNodes(job.draft.model)
    const mocks = recordedOutputs(recorded, reads)
    // Wait for a gap in live traffic: the dry run queues behind live runs, never ahead.
    while (queue.size - inFlight >= LIVE_BUSY && !job.abort.signal.aborted) {
      job.status.waitingForLive = true
      await sleep(100)
    }
    job.status.waitingForLive = false
    if (job.abort.signal.aborted) return
    const event = JSON.parse(run.event) as unknown
    const { runId: dryRunId } = await runs.startTestRun(actor, {
      workflowId: job.status.workflowId,
      ...(job.status.draftVersion === null
        ? { model: job.draft.model }
        : { version: job.status.draftVersion }),
      event,
      mocks,
      preview: true,
    })
    inFlight++
    const events: TraceEvent[] = []
    let status = 'running'
    const follow = new AbortController()
    const stop = () => follow.abort()
    job.abort.signal.addEventListener('abort', stop)
    const timer = setTimeout(stop, DRY_RUN_TIMEOUT_MS)
    try {
      for await (const { event: e } of runs.trace(dryRunId, 0, follow.signal, 5_000)) {
        events.push(e)
        if (e.type === 'run.finished') status = e.status
        // Dry runs ask a person at waits for an event or a decision: the path so far is the answer.
        if (e.type === 'run.suspended') {
          status = 'waiting'
          break
        }
      }
    } finally {
      clearTimeout(timer)
      job.abort.signal.removeEventListener('abort', stop)
      inFlight--
      if (status === 'running' || status === 'waiting')
        await runs.cancel(actor, dryRunId).catch(() => undefined)
    }
    // Stopped unfinished (cancelled, or stuck behind live work past the timeout): not counted.
    if (status === 'running') {
      if (!job.abort.signal.aborted) job.status.skipped++
      return
    }
    const draftPath = pathOfTrace(events, status)
    for (const id of reads)
      if (!(id in mocks) && draftPath.tokens.includes(`s:${id}`) && !job.status.liveReads.includes(id))
        job.status.liveReads.push(id)
    job.published.paths.push(publishedPath)
    job.draft.paths.push(draftPath)
    job.status.done++
    if (samePath(publishedPath, draftPath)) return
    job.changedCount++
    if (job.changed.length < MAX_CHANGED_LISTED)
      job.changed.push({
        runId: run.id,
        dryRunId,
        summary: eventSummary(event),
        at: run.started_at,
        publishedPath,
        draftPath,
      })
  }

  async function replayAll(job: Job, actor: Actor, limit: number): Promise<void> {
    const rows = await db
      .selectFrom('runs')
      .select(['id', 'event', 'started_at', 'status'])
      .where('workflow_id', '=', job.status.workflowId)
      .where('version', '=', job.status.publishedVersion)
      .where('kind', '=', 'production')
      .where('status', 'in', ['succeeded', 'failed'])
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute()
    job.status.total = rows.length
    let next = 0
    const worker = async () => {
      try {
        while (next < rows.length && !job.abort.signal.aborted) await replayOne(job, actor, rows[next++])
      } catch (err) {
        // One broken replay ends the preview: the other worker stops too, and the reason is shown.
        job.status.error ??= (err as Error).message
        job.abort.abort()
      }
    }
    await Promise.all(Array.from({ length: REPLAY_CONCURRENCY }, worker))
  }

  function find(previewId: string): Job {
    const job = jobs.get(previewId)
    if (!job)
      throw new TRPCError({ code: 'NOT_FOUND', message: 'No such preview (previews are kept 30 minutes)' })
    return job
  }

  return {
    async start(
      actor: Actor,
      input: { workflowId: string; draftVersion?: number; model?: Workflow; limit?: number },
    ): Promise<{ previewId: string }> {
      prune()
      if ([...jobs.values()].filter((j) => j.endedAt === null).length >= MAX_RUNNING)
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many previews running; try again shortly',
        })
      const wf = await db
        .selectFrom('workflows')
        .select(['published_version', 'latest_version'])
        .where('id', '=', input.workflowId)
        .executeTakeFirst()
      if (!wf) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such workflow' })
      if (wf.published_version === null)
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: 'Publish a version first: the preview replays its events',
        })
      const draftVersion = input.model ? null : (input.draftVersion ?? wf.latest_version)
      const publishedModel = await readVersionModel(db, input.workflowId, wf.published_version)
      const draftModel = input.model ?? (await readVersionModel(db, input.workflowId, draftVersion!))
      const previewId = randomUUID()
      const job: Job = {
        status: {
          previewId,
          workflowId: input.workflowId,
          publishedVersion: wf.published_version,
          draftVersion,
          total: 0,
          done: 0,
          finished: false,
          cancelled: false,
          skipped: 0,
          waitingForLive: false,
          error: null,
          liveReads: [],
        },
        owner: actor.email,
        published: { model: publishedModel, paths: [] },
        draft: { model: draftModel, paths: [] },
        changed: [],
        changedCount: 0,
        abort: new AbortController(),
        endedAt: null,
      }
      jobs.set(previewId, job)
      await audit.record({
        actor: actor.email,
        action: 'analytics.preview',
        workflowId: input.workflowId,
        details: {
          previewId,
          publishedVersion: wf.published_version,
          draftVersion,
          limit: input.limit ?? 500,
        },
      })
      // Off the request: the caller polls status.
      void replayAll(job, actor, input.limit ?? 500)
        .catch((err: Error) => {
          job.status.error = err.message
          logger?.warn({ err, previewId }, 'branch preview failed')
        })
        .finally(() => {
          job.status.finished = true
          job.endedAt = Date.now()
        })
      return { previewId }
    },

    status(previewId: string): PreviewStatus {
      const job = find(previewId)
      return {
        ...job.status,
        edges: compareSplits(job.published, job.draft),
        draftSteps: draftStepCounts(job.draft),
        changed: job.changed,
        changedCount: job.changedCount,
      }
    },

    cancel(previewId: string): { cancelled: boolean } {
      const job = find(previewId)
      if (job.status.finished) return { cancelled: false }
      job.status.cancelled = true
      job.abort.abort()
      return { cancelled: true }
    },
  }
}

export type BranchPreviews = ReturnType<typeof createBranchPreviews>

const perServices = new WeakMap<object, BranchPreviews>()

/** One preview registry per server (its services object), created on first use. */
export function branchPreviewsOf(
  services: Pick<PreviewDeps, 'runs' | 'queue' | 'audit'>,
  db: Db,
  logger?: Logger,
): BranchPreviews {
  let previews = perServices.get(services)
  if (!previews) {
    previews = createBranchPreviews({ db, ...services, logger })
    perServices.set(services, previews)
  }
  return previews
}
