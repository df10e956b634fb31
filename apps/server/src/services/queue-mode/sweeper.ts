import type { Logger } from 'pino'
import type { Db } from '../../db'
import type { BullMqRunQueue } from './bullmq-queue'

const BATCH = 1_000

export interface SweeperOptions {
  db: Db
  queue: BullMqRunQueue
  /** Queues the run again from its stored state (runs.resume). */
  resume: (runId: string) => Promise<void>
  /** How often to look, and how old an unfinished run must be to count as lost (FLOWLINE_QUEUE_SWEEP_MS). */
  everyMs?: number
  logger?: Logger
}

/**
 * A run is committed before its job is added, so a Redis outage (or a Redis that lost its
 * data) can leave `queued` or `running` runs without a job. Workers look for such runs now
 * and then and queue them again; with jobId = runId a run that does have a job is untouched,
 * and a run that finished meanwhile is not executed again (the pool checks its status).
 */
export function startSweeper(opts: SweeperOptions): { stop(): void } {
  const everyMs = opts.everyMs ?? 60_000
  let stopped = false
  let timer: NodeJS.Timeout | null = null

  async function sweep(): Promise<void> {
    const before = new Date(Date.now() - everyMs).toISOString()
    const rows = await opts.db
      .selectFrom('runs')
      .select('id')
      .where('status', 'in', ['queued', 'running'])
      .where('started_at', '<', before)
      .orderBy('started_at')
      .limit(BATCH)
      .execute()
    let requeued = 0
    for (const { id } of rows) {
      if (stopped) return
      if ((await opts.queue.queue.getJobState(id)) !== 'unknown') continue
      await opts.resume(id)
      requeued++
    }
    if (requeued > 0) opts.logger?.warn({ requeued }, 'queued runs whose jobs were lost again')
  }

  const loop = () => {
    timer = setTimeout(() => {
      sweep()
        .catch((err) => opts.logger?.warn({ err }, 'looking for runs without a job failed'))
        .finally(() => !stopped && loop())
    }, everyMs)
    timer.unref()
  }
  loop()
  return {
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
