import type { Logger } from 'pino'
import type { Db } from '../db'
import type { RunEventsTable } from '../db/schema'

const BATCH = 500
const FLUSH_DELAY_MS = 5

/**
 * Writes trace events in multi-row batches across all running runs: under webhook load
 * one INSERT per event would dominate a run's cost. `flushed()` resolves once everything
 * pushed so far is stored, which is what a run waits for before it is marked finished.
 */
export class EventSink {
  private pending: RunEventsTable[] = []
  private pushed = 0
  private written = 0
  private loop: Promise<void> | null = null
  private readonly waiters: { upTo: number; resolve: () => void }[] = []

  constructor(
    private readonly db: Db,
    private readonly logger?: Logger,
  ) {}

  push(row: RunEventsTable): void {
    this.pending.push(row)
    this.pushed++
    // Start writing after the current burst: events of many runs then share one INSERT.
    this.loop ??= new Promise<void>((resolve) => setTimeout(resolve, FLUSH_DELAY_MS)).then(() => this.run())
  }

  flushed(): Promise<void> {
    const upTo = this.pushed
    if (this.written >= upTo) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }))
  }

  private async run(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, BATCH)
      try {
        await this.db.insertInto('run_events').values(batch).execute()
      } catch (err) {
        // A lost trace row must not wedge the run's completion; the run record still finishes.
        this.logger?.error(
          { err, runs: [...new Set(batch.map((r) => r.run_id))] },
          'storing trace events failed',
        )
      }
      this.written += batch.length
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i].upTo <= this.written) this.waiters.splice(i, 1)[0].resolve()
      }
    }
    this.loop = null
  }
}
