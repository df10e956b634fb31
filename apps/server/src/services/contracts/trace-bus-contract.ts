import { describe, expect, it } from 'vitest'
import type { TraceEvent } from '../engine'
import { storedEventJson } from '../run-store/stored-event'
import type { SeqEvent, TraceBus } from '../trace-bus'

/**
 * What every TraceBus must do (in process today, Redis in queue mode): one suite, run
 * against each implementation. Subscribers get events in order, resume after the last
 * sequence number they saw, and end when the run's channel closes.
 */
export type BusFactory = () => Promise<{ bus: TraceBus; close(): Promise<void> }>

const ev = (runId: string, seq: number, type: TraceEvent['type'] = 'node.started'): TraceEvent =>
  type === 'run.finished'
    ? { type, runId, at: new Date(0).toISOString(), status: 'succeeded', durationMs: 1 }
    : ({ type, runId, at: new Date(0).toISOString(), nodeId: `n${seq}` } as TraceEvent)

/** Events as the run pool hands them over: numbered from `firstSeq`, stored without their runId. */
const stored = (...events: TraceEvent[]) => `[${events.map(storedEventJson).join(',')}]`

async function collect(source: AsyncIterable<SeqEvent> | null): Promise<number[]> {
  const seqs: number[] = []
  if (!source) throw new Error('no live channel')
  for await (const item of source) seqs.push(item.seq)
  return seqs
}

export function traceBusContract(name: string, create: BusFactory): void {
  describe(`TraceBus contract: ${name}`, () => {
    it('has no channel for a run that is not live', async () => {
      const { bus, close } = await create()
      expect(bus.subscribe('nobody', 0)).toBeNull()
      await close()
    })

    it('replays what was published, follows live events in order, and ends on close', async () => {
      const { bus, close } = await create()
      bus.open('r1')
      bus.publish('r1', 1, stored(ev('r1', 1, 'run.started'), ev('r1', 2)))
      const early = collect(bus.subscribe('r1', 0))
      const resumed = collect(bus.subscribe('r1', 1))
      const whole = (async () => {
        const items: SeqEvent[] = []
        for await (const item of bus.subscribe('r1', 40) ?? []) items.push(item)
        return items
      })()
      for (let seq = 3; seq <= 50; seq += 4)
        bus.publish('r1', seq, stored(...[seq, seq + 1, seq + 2, seq + 3].map((s) => ev('r1', s))))
      bus.publish('r1', 51, stored(ev('r1', 51, 'run.finished')))
      bus.close('r1')
      expect(await early).toEqual(Array.from({ length: 51 }, (_, i) => i + 1))
      expect(await resumed).toEqual(Array.from({ length: 50 }, (_, i) => i + 2))
      // Subscribers see events as the engine emitted them, runId included.
      expect((await whole)[0]).toEqual({ seq: 41, event: ev('r1', 41) })
      expect((await whole).at(-1)).toEqual({ seq: 51, event: ev('r1', 51, 'run.finished') })
      expect(bus.subscribe('r1', 0)).toBeNull()
      await close()
    })

    it('keeps runs apart and lets a subscriber leave early', async () => {
      const { bus, close } = await create()
      bus.open('a')
      bus.open('b')
      const leave = new AbortController()
      const fromA = collect(bus.subscribe('a', 0, leave.signal))
      const fromB = collect(bus.subscribe('b', 0))
      bus.publish('a', 1, stored(ev('a', 1)))
      bus.publish('b', 1, stored(ev('b', 1)))
      bus.publish('b', 2, stored(ev('b', 2)))
      await new Promise((r) => setTimeout(r, 20))
      leave.abort()
      expect(await fromA).toEqual([1])
      bus.close('b')
      expect(await fromB).toEqual([1, 2])
      bus.close('a')
      await close()
    })
  })
}
