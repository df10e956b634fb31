import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import { now } from '../db'
import type { Role } from '../db/schema'
import type { AuditService } from './audit'
import type { WaitRequest, Wake, Workflow } from './engine'

/**
 * Runs waiting for something from outside (DESIGN §4): an event (`wait-for-event`) or a
 * person's decision (`approval`). They live in `run_waits`, never in memory; whatever ends
 * a wait claims the run with a conditional update (waiting → queued) that stores the wake
 * in the same transaction, so two events racing for one run resume it once.
 */

export interface WaitingRunsDeps {
  db: Db
  audit: AuditService
  loadVersionModel(workflowId: string, version: number): Promise<Workflow>
  /** The keys an incoming event resumes runs under, per wait-for-event step: evaluated on a run thread. */
  waitKeys(
    model: Workflow,
    modelKey: string,
    nodeIds: string[],
    event: unknown,
  ): Promise<Record<string, string | null>>
  /** Queue the next segment of a claimed run. */
  resume(runId: string): Promise<void>
  /** A quick "none wait here" on the driver (hot-queries.ts): every webhook asks it. */
  hasEventWaits?(workflowId: string): Promise<boolean>
}

export interface SignedInUser {
  email: string
  role: Role
}

export interface ApprovalTask {
  assignees: string[]
  title: string
  details: string
}

/** Whether a user may decide a task: viewers never; others when named or their role is. */
export function mayDecide(user: SignedInUser, assignees: readonly string[]): boolean {
  if (user.role === 'viewer') return false
  return assignees.includes(user.email.toLowerCase()) || assignees.includes(user.role)
}

const noLongerWaiting = () =>
  new TRPCError({
    code: 'CONFLICT',
    message: 'This run is no longer waiting: someone else decided, or it timed out',
  })

export function createWaitingRuns({
  db,
  audit,
  loadVersionModel,
  waitKeys,
  resume,
  hasEventWaits,
}: WaitingRunsDeps) {
  /**
   * Claims a waiting run for its next segment with what ended the wait; false when someone
   * else (another event, the timeout, a cancel) got there first.
   */
  async function claim(runId: string, wake: Wake, trx: Db): Promise<boolean> {
    const claimed = await trx
      .updateTable('runs')
      .set({ status: 'queued', wake: JSON.stringify(wake) })
      .where('id', '=', runId)
      .where('status', '=', 'waiting')
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) !== 1) return false
    await trx.deleteFrom('run_waits').where('run_id', '=', runId).execute()
    return true
  }

  /**
   * Distinct (version, step) pairs with runs of this workflow waiting for an event: a loose
   * index scan, each step one seek on `run_waits_key` (the next step of the same version, else
   * the first of a later version), so 100,000 waiting runs cost what a handful do.
   */
  async function waitPoints(workflowId: string): Promise<{ version: number; nodeId: string }[]> {
    const points: { version: number; nodeId: string }[] = []
    const base = () =>
      db
        .selectFrom('run_waits')
        .select(['version', 'node_id'])
        .where('workflow_id', '=', workflowId)
        .where('kind', '=', 'event')
        .where('wait_key', 'is not', null)
    let next = await base()
      .where('version', 'is not', null)
      .orderBy('version')
      .orderBy('node_id')
      .limit(1)
      .executeTakeFirst()
    while (next && next.version !== null) {
      const point = { version: next.version, nodeId: next.node_id }
      points.push(point)
      next =
        (await base()
          .where('version', '=', point.version)
          .where('node_id', '>', point.nodeId)
          .orderBy('node_id')
          .limit(1)
          .executeTakeFirst()) ??
        (await base()
          .where('version', '>', point.version)
          .orderBy('version')
          .orderBy('node_id')
          .limit(1)
          .executeTakeFirst())
    }
    return points
  }

  async function waitRow(runId: string) {
    const row = await db
      .selectFrom('run_waits')
      .innerJoin('runs', 'runs.id', 'run_waits.run_id')
      .select([
        'run_waits.kind',
        'run_waits.task',
        'run_waits.test',
        'run_waits.node_id',
        'run_waits.workflow_id',
        'runs.status',
        'runs.event',
      ])
      .where('run_waits.run_id', '=', runId)
      .executeTakeFirst()
    if (row?.status !== 'waiting') throw noLongerWaiting()
    return row
  }

  async function wakeAudited(runId: string, wake: Wake, audited: Parameters<AuditService['record']>[0]) {
    const claimed = await db.transaction().execute(async (trx) => {
      if (!(await claim(runId, wake, trx))) return false
      await audit.record(audited, trx)
      return true
    })
    if (!claimed) throw noLongerWaiting()
    await resume(runId)
  }

  /** Resumes the runs waiting at `points` whose filter the event passes and whose key it gives. */
  async function resumeWaiting(
    workflowId: string,
    points: { version: number; nodeId: string }[],
    event: unknown,
  ): Promise<string[]> {
    const byVersion = new Map<number, string[]>()
    for (const p of points) byVersion.set(p.version, [...(byVersion.get(p.version) ?? []), p.nodeId])
    const candidates: string[] = []
    for (const [version, nodeIds] of byVersion) {
      const model = await loadVersionModel(workflowId, version)
      const keys = await waitKeys(model, `${workflowId}@${version}`, nodeIds, event)
      for (const nodeId of nodeIds) {
        const key = keys[nodeId]
        if (key === null || key === undefined) continue
        const rows = await db
          .selectFrom('run_waits')
          .select('run_id')
          .where('workflow_id', '=', workflowId)
          .where('kind', '=', 'event')
          .where('version', '=', version)
          .where('node_id', '=', nodeId)
          .where('wait_key', '=', key)
          .execute()
        for (const r of rows) candidates.push(r.run_id)
      }
    }
    if (candidates.length === 0) return []
    const wake: Wake = { branch: 'received', output: event, reason: 'event' }
    const resumed = await db.transaction().execute(async (trx) => {
      const won: string[] = []
      for (const runId of candidates) if (await claim(runId, wake, trx)) won.push(runId)
      return won
    })
    for (const runId of resumed) await resume(runId)
    return resumed
  }

  return {
    /** A run suspended waiting for an event or a decision: its state and what it waits for, stored together. */
    async record(
      run: { runId: string; workflowId: string; version: number | null; dryRun: boolean },
      wait: { nodeId: string; state: string; resumeAt: string | null; waitFor: WaitRequest },
    ): Promise<void> {
      const { waitFor } = wait
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('runs')
          .set({ status: 'waiting', state: wait.state, resume_at: wait.resumeAt, wake: null })
          .where('id', '=', run.runId)
          .execute()
        await trx.deleteFrom('run_waits').where('run_id', '=', run.runId).execute()
        await trx
          .insertInto('run_waits')
          .values({
            run_id: run.runId,
            workflow_id: run.workflowId,
            version: run.version,
            node_id: wait.nodeId,
            kind: waitFor.kind,
            // A test run goes on by the tester's choice only: live events never reach it.
            wait_key: waitFor.kind === 'event' && !run.dryRun ? waitFor.key : null,
            test: run.dryRun ? 1 : 0,
            task:
              waitFor.kind === 'approval'
                ? JSON.stringify({
                    assignees: waitFor.assignees,
                    title: waitFor.title,
                    details: waitFor.details,
                  })
                : null,
            until: wait.resumeAt,
            created_at: now(),
          })
          .execute()
      })
    },

    /**
     * An event arrived at a workflow's hook: resumes every run waiting for it (its step's filter
     * passes and the correlation keys match). Returns their ids.
     */
    async deliver(workflowId: string, event: unknown, eventWaits?: boolean): Promise<string[]> {
      return (await this.deliverMany(workflowId, [event], eventWaits)).flat()
    },

    /**
     * `deliver` for the messages of a batch, in order: the steps waiting for events are looked
     * up once. `eventWaits`: whether any run waits for an event, when the caller knows already.
     */
    async deliverMany(workflowId: string, events: unknown[], eventWaits?: boolean): Promise<string[][]> {
      const any = eventWaits ?? (hasEventWaits ? await hasEventWaits(workflowId) : true)
      if (!any) return events.map(() => [])
      const points = await waitPoints(workflowId)
      if (points.length === 0) return events.map(() => [])
      const resumed: string[][] = []
      for (const event of events) resumed.push(await resumeWaiting(workflowId, points, event))
      return resumed
    },

    /** The approvals waiting for this user: assigned to them by address or to their role. */
    async inbox(user: SignedInUser) {
      const rows = await db
        .selectFrom('run_waits')
        .innerJoin('runs', 'runs.id', 'run_waits.run_id')
        .innerJoin('workflows', 'workflows.id', 'run_waits.workflow_id')
        .select([
          'run_waits.run_id',
          'run_waits.workflow_id',
          'run_waits.version',
          'run_waits.node_id',
          'run_waits.task',
          'run_waits.test',
          'run_waits.until',
          'run_waits.created_at',
          'runs.event',
          'workflows.title as workflow_title',
        ])
        .where('run_waits.kind', '=', 'approval')
        .where('runs.status', '=', 'waiting')
        .orderBy('run_waits.created_at')
        .limit(1_000)
        .execute()
      return rows.flatMap((r) => {
        const task = JSON.parse(r.task ?? '{}') as ApprovalTask
        if (!mayDecide(user, task.assignees ?? [])) return []
        return [
          {
            runId: r.run_id,
            workflowId: r.workflow_id,
            workflowTitle: r.workflow_title,
            version: r.version,
            nodeId: r.node_id,
            title: task.title,
            details: task.details,
            assignees: task.assignees,
            test: r.test === 1,
            until: r.until,
            since: r.created_at,
            event: JSON.parse(r.event) as unknown,
          },
        ]
      })
    },

    /** A person approves or rejects a waiting run; audited, and the run's trace shows who and why. */
    async decide(user: SignedInUser, runId: string, decision: 'approved' | 'rejected', comment: string) {
      const row = await waitRow(runId)
      if (row.kind !== 'approval')
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'This run is not waiting for an approval' })
      const task = JSON.parse(row.task ?? '{}') as ApprovalTask
      if (!mayDecide(user, task.assignees ?? []))
        throw new TRPCError({
          code: 'FORBIDDEN',
          message:
            user.role === 'viewer'
              ? 'Viewers cannot decide approvals'
              : `Only ${task.assignees.join(', ')} may decide this approval`,
        })
      const at = now()
      const output = { decision, by: user.email, comment, at }
      await wakeAudited(
        runId,
        { branch: decision, output, reason: 'approval', by: user.email },
        {
          actor: user.email,
          action: `run.${decision === 'approved' ? 'approve' : 'reject'}`,
          workflowId: row.workflow_id,
          details: { runId, nodeId: row.node_id, title: task.title, comment },
        },
      )
      return output
    },

    /**
     * The person running a test picks the branch of a step waiting for an event or a decision
     * (`output`: the event that "arrived"; by default the run's own event).
     */
    async choose(user: SignedInUser, runId: string, branch: string, output: unknown) {
      const row = await waitRow(runId)
      const branches = row.kind === 'approval' ? ['approved', 'rejected', 'timeout'] : ['received', 'timeout']
      if (!branches.includes(branch))
        throw new TRPCError({ code: 'BAD_REQUEST', message: `Pick one of: ${branches.join(', ')}` })
      if (row.test !== 1)
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: 'Only test runs go on by choice; a live run waits for its event or decision',
        })
      const at = now()
      const value =
        branch === 'timeout'
          ? { timedOut: true, waitedMs: 0, until: at }
          : row.kind === 'approval'
            ? { decision: branch, by: user.email, comment: 'chosen in a test run', at }
            : (output ?? (JSON.parse(row.event) as unknown))
      await wakeAudited(
        runId,
        { branch, output: value, reason: 'choice', by: user.email },
        {
          actor: user.email,
          action: 'run.choose',
          workflowId: row.workflow_id,
          details: { runId, nodeId: row.node_id, branch },
        },
      )
      return { branch }
    },
  }
}

export type WaitingRuns = ReturnType<typeof createWaitingRuns>
