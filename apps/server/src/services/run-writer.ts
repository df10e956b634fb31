import type { Logger } from 'pino'
import type { Db } from '../db'
import type { RunEventsTable, RunsTable } from '../db/schema'

const EVENT_CHUNK = 500
type RunUpdate = Partial<Omit<RunsTable, 'id'>>

interface Batch {
  events: RunEventsTable[]
  updates: Map<string, RunUpdate>
  done: { resolve(): void; reject(err: Error): void }[]
}

const emptyBatch = (): Batch => ({ events: [], updates: new Map(), done: [] })

/**
 * Group commit of everything runs write: trace events, checkpoints and status changes of
 * all runs that moved since the last commit go into one transaction, started as soon as
 * the previous one is done. Under load one commit carries many runs' steps; when idle a
 * checkpoint is stored within one round trip. Updates of one run in the same batch merge,
 * so a quick run goes from queued to finished in a single UPDATE.
 */
export class RunWriter {
  private next = emptyBatch()
  private writing = false
  private scheduled = false

  constructor(
    private readonly db: Db,
    private readonly logger?: Logger,
  ) {}

  event(row: RunEventsTable): void {
    this.next.events.push(row)
    this.schedule()
  }

  /** Resolves once the update (and every event pushed before it) is committed. */
  update(runId: string, fields: RunUpdate): Promise<void> {
    const merged = this.next.updates.get(runId)
    this.next.updates.set(runId, merged ? { ...merged, ...fields } : fields)
    return this.flushed()
  }

  /** Resolves once everything pushed so far is committed. */
  flushed(): Promise<void> {
    const batch = this.next
    if (batch.events.length === 0 && batch.updates.size === 0 && !this.writing) return Promise.resolve()
    return new Promise((resolve, reject) => {
      batch.done.push({ resolve, reject })
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.write()
    })
  }

  private async write(): Promise<void> {
    if (this.writing) return
    this.writing = true
    while (this.next.events.length > 0 || this.next.updates.size > 0 || this.next.done.length > 0) {
      const batch = this.next
      this.next = emptyBatch()
      try {
        await this.commit(batch)
        for (const d of batch.done) d.resolve()
      } catch (err) {
        this.logger?.error(
          { err, runs: [...new Set([...batch.events.map((e) => e.run_id), ...batch.updates.keys()])] },
          'storing run progress failed',
        )
        for (const d of batch.done) d.reject(err as Error)
      }
    }
    this.writing = false
  }

  private async commit({ events, updates }: Batch): Promise<void> {
    if (events.length === 0 && updates.size === 0) return
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < events.length; i += EVENT_CHUNK) {
        await trx
          .insertInto('run_events')
          .values(events.slice(i, i + EVENT_CHUNK))
          .execute()
      }
      for (const [runId, fields] of updates) {
        await trx.updateTable('runs').set(fields).where('id', '=', runId).execute()
      }
    })
  }
}
