import type { TraceEvent } from './engine'

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
  publish(runId: string, item: SeqEvent): void
  /** The run is finished and its events are stored: later subscribers read the database. */
  close(runId: string): void
  /** Events with seq > afterSeq, then live ones until close; null when the run is not live here. */
  subscribe(runId: string, afterSeq: number, signal?: AbortSignal): AsyncIterable<SeqEvent> | null
}

interface Channel {
  events: SeqEvent[]
  closed: boolean
  wake: Set<() => void>
}

export class InProcessTraceBus implements TraceBus {
  private readonly channels = new Map<string, Channel>()

  open(runId: string): void {
    if (!this.channels.has(runId)) this.channels.set(runId, { events: [], closed: false, wake: new Set() })
  }

  publish(runId: string, item: SeqEvent): void {
    const channel = this.channels.get(runId)
    if (!channel) return
    channel.events.push(item)
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
  let i = channel.events.findIndex((e) => e.seq > afterSeq)
  if (i < 0) i = channel.events.length
  while (!signal?.aborted) {
    while (i < channel.events.length) yield channel.events[i++]
    if (channel.closed) return
    await new Promise<void>((resolve) => {
      channel.wake.add(resolve)
      signal?.addEventListener('abort', () => resolve(), { once: true })
    })
  }
}
