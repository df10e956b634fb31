import type { Logger } from 'pino'
import type { RunTraceTable } from '../../db/schema'
import type { CommitBackend, RunUpdate } from './backends'

// One commit holds at most this many events: on SQLite a commit blocks the event loop.
const MAX_EVENTS = 2_000

/**
 * Writes nobody waits for (trace rows, a run's start, checkpoints the run did not ask to
 * confirm) wait this long at most for a commit someone waits for (a checkpoint before a side
 * effect, a run's outcome): when the server is far from busy, they then share those commits
 * instead of taking one each.
 */
export const LAZY_COMMIT_MS = 20

interface Batch {
  rows: RunTraceTable[]
  /** Events in those rows. */
  events: number
  updates: Map<string, RunUpdate>
  done: { resolve(): void; reject(err: Error): void }[]
  /** Someone waits for this batch: it goes out at the next turn. */
  urgent: boolean
}

const emptyBatch = (): Batch => ({ rows: [], events: 0, updates: new Map(), done: [], urgent: false })
const isEmpty = (b: Batch) => b.rows.length === 0 && b.updates.size === 0

/**
 * Group commit of everything runs write: trace events, checkpoints and status changes of
 * all runs that moved since the last commit go into one transaction, started as soon as
 * the previous one is done when someone waits for it (LAZY_COMMIT_MS otherwise). Under load
 * one commit carries many runs' steps; when idle a checkpoint is stored within one round
 * trip. Updates of one run in the same batch merge, so a quick run goes from queued to
 * finished in a single UPDATE. Batches commit in order: a lazy write is never stored after
 * a later urgent one.
 */
export class RunWriter {
  private next = emptyBatch()
  private sealed: Batch[] = []
  private writing = false
  private scheduled = false
  private lazyTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly commit: CommitBackend,
    private readonly logger?: Logger,
  ) {}

  /** A row of a run's trace: consecutive events, as one JSON array. Stored lazily. */
  trace(row: RunTraceTable): void {
    // A full batch goes out as it is; later rows start the next one.
    if (this.next.events >= MAX_EVENTS) this.seal(true)
    this.next.rows.push(row)
    this.next.events += row.last_seq - row.first_seq + 1
    this.schedule(false)
  }

  /**
   * Resolves once the update (and every event pushed before it) is committed. `lazy`: nobody
   * waits for it, it may ride with the next commit someone waits for (LAZY_COMMIT_MS at most).
   */
  update(runId: string, fields: RunUpdate, { lazy = false } = {}): Promise<void> {
    const merged = this.next.updates.get(runId)
    this.next.updates.set(runId, merged ? Object.assign({}, merged, fields) : fields)
    return this.whenStored(!lazy)
  }

  /** Resolves once everything pushed so far is committed. */
  flushed(): Promise<void> {
    return this.whenStored(true)
  }

  private whenStored(urgent: boolean): Promise<void> {
    const batch = this.next
    const idle = !this.writing && !this.scheduled && !this.lazyTimer && this.sealed.length === 0
    if (idle && isEmpty(batch)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      batch.done.push({ resolve, reject })
      this.schedule(urgent)
    })
  }

  private seal(urgent: boolean): void {
    this.next.urgent ||= urgent
    this.sealed.push(this.next)
    this.next = emptyBatch()
  }

  private schedule(urgent: boolean): void {
    if (urgent) this.next.urgent = true
    if (this.writing || this.scheduled) return
    if (!this.hasUrgent()) {
      this.lazyTimer ??= setTimeout(() => {
        this.lazyTimer = null
        this.start()
      }, LAZY_COMMIT_MS)
      return
    }
    if (this.lazyTimer) clearTimeout(this.lazyTimer)
    this.lazyTimer = null
    this.scheduled = true
    setImmediate(() => this.start())
  }

  private hasUrgent(): boolean {
    return this.next.urgent || this.sealed.length > 0
  }

  private start(): void {
    this.scheduled = false
    void this.write()
  }

  private async write(): Promise<void> {
    if (this.writing) return
    this.writing = true
    for (;;) {
      const batch = this.sealed.shift() ?? this.next
      if (batch === this.next) {
        if (isEmpty(batch) && batch.done.length === 0) break
        this.next = emptyBatch()
      }
      try {
        if (!isEmpty(batch)) await this.commit(batch.rows, batch.updates)
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
      // What arrived meanwhile and nobody waits for waits for company (or its timer).
      if (!this.hasUrgent()) break
    }
    this.writing = false
    if (!isEmpty(this.next) || this.next.done.length > 0) this.schedule(false)
  }
}
