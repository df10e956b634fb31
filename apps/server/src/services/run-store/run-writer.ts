import type { Logger } from 'pino'
import type { RunTraceTable } from '../../db/schema'
import type { CommitBackend, RunUpdate } from './backends'

// One commit holds at most this many events: on SQLite a commit blocks the event loop.
const MAX_EVENTS = 2_000

interface Batch {
  rows: RunTraceTable[]
  /** Events in those rows. */
  events: number
  updates: Map<string, RunUpdate>
  done: { resolve(): void; reject(err: Error): void }[]
}

const emptyBatch = (): Batch => ({ rows: [], events: 0, updates: new Map(), done: [] })

/**
 * Group commit of everything runs write: trace events, checkpoints and status changes of
 * all runs that moved since the last commit go into one transaction, started as soon as
 * the previous one is done. Under load one commit carries many runs' steps; when idle a
 * checkpoint is stored within one round trip. Updates of one run in the same batch merge,
 * so a quick run goes from queued to finished in a single UPDATE.
 */
export class RunWriter {
  private next = emptyBatch()
  private sealed: Batch[] = []
  private writing = false
  private scheduled = false

  constructor(
    private readonly commit: CommitBackend,
    private readonly logger?: Logger,
  ) {}

  /** A row of a run's trace: consecutive events, as one JSON array. */
  trace(row: RunTraceTable): void {
    // A full batch goes out as it is; later rows start the next one.
    if (this.next.events >= MAX_EVENTS) this.seal()
    this.next.rows.push(row)
    this.next.events += row.last_seq - row.first_seq + 1
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
    const idle = !this.writing && !this.scheduled && this.sealed.length === 0
    if (idle && batch.rows.length === 0 && batch.updates.size === 0) return Promise.resolve()
    return new Promise((resolve, reject) => {
      batch.done.push({ resolve, reject })
      this.schedule()
    })
  }

  private seal(): void {
    this.sealed.push(this.next)
    this.next = emptyBatch()
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
    for (;;) {
      const batch = this.sealed.shift() ?? this.next
      if (batch === this.next) {
        if (batch.rows.length === 0 && batch.updates.size === 0 && batch.done.length === 0) break
        this.next = emptyBatch()
      }
      try {
        if (batch.rows.length > 0 || batch.updates.size > 0) await this.commit(batch.rows, batch.updates)
        for (const d of batch.done) d.resolve()
      } catch (err) {
        this.logger?.error(
          { err, runs: [...new Set([...batch.rows.map((r) => r.run_id), ...batch.updates.keys()])] },
          'storing run progress failed',
        )
        for (const d of batch.done) d.reject(err as Error)
      }
      // SQLite commits synchronously: let waiting requests in between two commits.
      await new Promise((resolve) => setImmediate(resolve))
    }
    this.writing = false
  }
}
