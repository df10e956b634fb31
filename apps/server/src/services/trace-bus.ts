import type { TraceEvent } from './engine'
import { withRunId } from './run-store/stored-event'

/** A trace event with its per-run sequence number (the SSE event id clients resume from). */
export interface SeqEvent {
  seq: number
  event: TraceEvent
}

/**
 * Live trace fan-out. The in-process bus below serves one server; a Redis-backed one can
 * replace it for worker processes without the routers noticing.
 */
export interface TraceBus {
  /** Called when a run is accepted, before its id is handed out, so no subscriber misses its start. */
  open(runId: string): void
  /**
   * A run's next events as stored (run-store/stored-event.ts): a JSON array of events without
   * their runId, numbered from `firstSeq`. Parsed only when someone follows the run.
   */
  publish(runId: string, firstSeq: number, stored: string): void
  /** The run is finished and its events are stored: later subscribers read the database. */
  close(runId: string): void
  /** Events with seq > afterSeq, then live ones until close; null when the run is not live here. */
  subscribe(runId: string, afterSeq: number, signal?: AbortSignal): AsyncIterable<SeqEvent> | null
}

/**
 * A run's live events. Queued runs wait here for seconds under load, so their channels end up
 * in V8's old generation; what a channel points to when the run is over would then be kept
 * by the young-generation GC until the next full one. So the batches and waiters exist only
 * while needed, and a closed channel nobody follows lets go of its batches.
 */
interface Channel {
  runId: string
  batches: Batch[] | null
  closed: boolean
  wake: Set<() => void> | null
  followers: number
}

interface Batch {
  firstSeq: number
  stored: string
  events?: SeqEvent[]
}

/** A batch's events, parsed on first read (most runs are never followed live). */
function eventsOf(runId: string, batch: Batch): SeqEvent[] {
  batch.events ??= (JSON.parse(batch.stored) as TraceEvent[]).map((event, i) => ({
    seq: batch.firstSeq + i,
    event: withRunId(runId, event),
  }))
  return batch.events
}

export class InProcessTraceBus implements TraceBus {
  private readonly channels = new Map<string, Channel>()

  open(runId: string): void {
    if (!this.channels.has(runId))
      this.channels.set(runId, { runId, batches: null, closed: false, wake: null, followers: 0 })
  }

  publish(runId: string, firstSeq: number, stored: string): void {
    const channel = this.channels.get(runId)
    if (!channel) return
    channel.batches ??= []
    channel.batches.push({ firstSeq, stored })
    this.notify(channel)
  }

  close(runId: string): void {
    const channel = this.channels.get(runId)
    if (!channel) return
    channel.closed = true
    this.channels.delete(runId)
    this.notify(channel)
    if (channel.followers === 0) channel.batches = null
  }

  isLive(runId: string): boolean {
    return this.channels.has(runId)
  }

  subscribe(runId: string, afterSeq: number, signal?: AbortSignal): AsyncIterable<SeqEvent> | null {
    const channel = this.channels.get(runId)
    if (!channel) return null
    // Counted now, not when iteration starts: the run may close before the first read.
    channel.followers++
    return follow(channel, afterSeq, signal)
  }

  private notify(channel: Channel): void {
    const waiting = channel.wake
    if (!waiting) return
    channel.wake = null
    for (const wake of waiting) wake()
  }
}

async function* follow(channel: Channel, afterSeq: number, signal?: AbortSignal): AsyncGenerator<SeqEvent> {
  let i = 0
  let last = afterSeq
  try {
    while (!signal?.aborted) {
      const batches = channel.batches ?? []
      while (i < batches.length) {
        for (const item of eventsOf(channel.runId, batches[i++])) {
          if (item.seq <= last) continue
          last = item.seq
          yield item
        }
      }
      if (channel.closed) return
      await new Promise<void>((resolve) => {
        channel.wake ??= new Set()
        channel.wake.add(resolve)
        signal?.addEventListener('abort', () => resolve(), { once: true })
      })
    }
  } finally {
    if (--channel.followers === 0 && channel.closed) channel.batches = null
  }
}
