import { TRPCError } from '@trpc/server'
import type { Logger } from 'pino'
import type { Db } from '../../db'
import { readVersionModel } from '../workflows'
import { type AnalyticsView, analyticsView } from './analytics-view'
import { hourOf, readRollup } from './rollup-reader'
import { compactShards } from './shard-compaction'

export type { AnalyticsView } from './analytics-view'

export interface AnalyticsQuery {
  workflowId: string
  /** null: every version, drawn on the published (else latest) version's model. */
  version: number | null
  /** ISO times; counted by the hour of each run's start, so both ends round to their hour. */
  from: string
  to: string
  /** A/B split id → the step counted as its conversion; a split left out gets one by name. */
  goals?: Record<string, string>
}

export interface WorkflowAnalytics extends AnalyticsView {
  /** The version whose model the counts are laid on. */
  modelVersion: number
  fromHour: string
  toHour: string
}

/** Step and branch analytics of a workflow, read from the rollup only (0010-analytics-rollup). */
export function createAnalyticsService(db: Db, logger?: Logger) {
  async function modelFor(workflowId: string, version: number | null) {
    const wf = await db
      .selectFrom('workflows')
      .select(['published_version', 'latest_version'])
      .where('id', '=', workflowId)
      .executeTakeFirst()
    if (!wf) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such workflow' })
    const number = version ?? wf.published_version ?? wf.latest_version
    return { number, model: await readVersionModel(db, workflowId, number) }
  }

  return {
    async forWorkflow(q: AnalyticsQuery): Promise<WorkflowAnalytics> {
      if (Date.parse(q.from) > Date.parse(q.to))
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'The window ends before it starts' })
      const { number, model } = await modelFor(q.workflowId, q.version)
      const scope = {
        workflowId: q.workflowId,
        version: q.version,
        fromHour: hourOf(q.from),
        toHour: hourOf(q.to),
      }
      const { paths, waiting } = await readRollup(db, scope)
      // PostgreSQL: past hours' writer shards folded for the next reader, not awaited.
      compactShards(db, q.workflowId, hourOf(new Date(Date.now() - 3_600_000).toISOString())).catch((err) =>
        logger?.warn(
          { err, workflowId: q.workflowId },
          'folding analytics shards failed; the next read tries again',
        ),
      )
      return {
        ...analyticsView(model, paths, waiting, q.goals),
        modelVersion: number,
        fromHour: scope.fromHour,
        toHour: scope.toHour,
      }
    },
  }
}
