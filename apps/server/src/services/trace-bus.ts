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

interface Channel {
  runId: string
  batches: Batch[]
  closed: boolean
  wake: Set<() => void>
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
      this.channels.set(runId, { runId, batches: [], closed: false, wake: new Set() })
  }

  publish(runId: string, firstSeq: number, stored: string): void {
    const channel = this.channels.get(runId)
    if (!channel) return
    channel.batches.push({ firstSeq, stored })
    this.notify(channel)
  }

  close(runId: string): void {
    const channel = this.channels.get(runId)
    if (!channel) return
    channel.closed = true
    this.channels.delete(runId)
    this.notify(channel)
  }

  isLive(runId: string): boolean {
    return this.channels.has(runId)
  }

  subscribe(runId: string, afterSeq: number, signal?: AbortSignal): AsyncIterable<SeqEvent> | null {
    const channel = this.channels.get(runId)
    if (!channel) return null
    return follow(channel, afterSeq, signal)
  }

  private notify(channel: Channel): void {
    for (const wake of channel.wake) wake()
    channel.wake.clear()
  }
}

async function* follow(channel: Channel, afterSeq: number, signal?: AbortSignal): AsyncGenerator<SeqEvent> {
  let i = 0
  let last = afterSeq
  while (!signal?.aborted) {
    while (i < channel.batches.length) {
      for (const item of eventsOf(channel.runId, channel.batches[i++])) {
        if (item.seq <= last) continue
        last = item.seq
        yield item
      }
    }
    if (channel.closed) return
    await new Promise<void>((resolve) => {
      channel.wake.add(resolve)
      signal?.addEventListener('abort', () => resolve(), { once: true })
    })
  }
}
