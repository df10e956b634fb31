import { afterEach, describe, expect, it, vi } from 'vitest'
import { IntakeGate, type Pass } from './intake-gate'
import type { BacklogLimits, RunQueue } from './run-queue'

/** A backlog whose size the test sets; `settle()` is a job finishing (when it can tell). */
function fakeQueue(tells = true) {
  let listener: (() => void) | null = null
  const queue = {
    size: 0,
    bytes: 0,
    ...(tells ? { onSettled: (l: () => void) => (listener = l) } : {}),
  } as unknown as RunQueue & { size: number; bytes: number }
  return {
    queue,
    settle() {
      queue.size--
      listener?.()
    },
  }
}

const limits = (over: Partial<BacklogLimits> = {}): BacklogLimits => ({
  runs: 2,
  bytes: 1_000,
  waitMs: 1_000,
  ...over,
})

afterEach(() => {
  vi.useRealTimers()
})

describe('IntakeGate', () => {
  it('admits at once while there is room, counting admitted deliveries until they leave', async () => {
    const { queue } = fakeQueue()
    const gate = new IntakeGate(queue, limits({ waitMs: 0 }))
    const first = await gate.enter()
    const second = await gate.enter()
    expect(first).not.toBeNull()
    expect(second).not.toBeNull()
    // Two admitted and not enqueued yet fill a backlog of two.
    expect(await gate.enter()).toBeNull()
    first!.leave()
    first!.leave()
    expect(await gate.enter()).not.toBeNull()
  })

  it('a delivery meeting a full backlog waits and is let in, in order, as runs finish', async () => {
    const { queue, settle } = fakeQueue()
    queue.size = 2
    const gate = new IntakeGate(queue, limits())
    const order: string[] = []
    const noted = (name: string) => (pass: Pass | null) => {
      order.push(name)
      return pass
    }
    const a = gate.enter().then(noted('a'))
    const b = gate.enter().then(noted('b'))
    await Promise.resolve()
    expect(order).toEqual([])
    settle()
    const passA = await a
    expect(passA).not.toBeNull()
    expect(order).toEqual(['a'])
    // A newcomer does not take the room the next in line is owed.
    const c = gate.enter().then(noted('c'))
    settle()
    await b
    expect(order).toEqual(['a', 'b'])
    passA!.leave()
    expect(await c).not.toBeNull()
    expect(order).toEqual(['a', 'b', 'c'])
  })

  it('still full after the wait: no pass', async () => {
    vi.useFakeTimers()
    const { queue } = fakeQueue()
    queue.size = 2
    const gate = new IntakeGate(queue, limits({ waitMs: 500 }))
    let answer: Pass | null | undefined
    void gate.enter().then((p) => (answer = p))
    await vi.advanceTimersByTimeAsync(499)
    expect(answer).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(answer).toBeNull()
  })

  it('refuses at once what can never fit, and when too full to wait is configured off', async () => {
    const { queue } = fakeQueue()
    expect(await new IntakeGate(queue, limits()).enter(3)).toBeNull()
    queue.size = 2
    expect(await new IntakeGate(queue, limits({ waitMs: 0 })).enter()).toBeNull()
  })

  it('a sender hanging up leaves the line; the next one gets the room', async () => {
    const { queue, settle } = fakeQueue()
    queue.size = 2
    const gate = new IntakeGate(queue, limits())
    let hangUp = () => {}
    const gone = gate.enter(1, 0, (giveUp) => (hangUp = giveUp))
    const next = gate.enter()
    hangUp()
    expect(await gone).toBeNull()
    settle()
    expect(await next).not.toBeNull()
  })

  it('closing refuses everyone waiting; later deliveries no longer wait', async () => {
    vi.useFakeTimers()
    const { queue } = fakeQueue()
    queue.size = 2
    const gate = new IntakeGate(queue, limits())
    const waiting = gate.enter()
    gate.close()
    expect(await waiting).toBeNull()
    let later: Pass | null | undefined
    void gate.enter().then((p) => (later = p))
    await vi.advanceTimersByTimeAsync(0)
    expect(later).toBeNull()
  })

  it('a queue that cannot tell when jobs settle (Redis) is looked at while someone waits', async () => {
    vi.useFakeTimers()
    const { queue } = fakeQueue(false)
    queue.size = 2
    const gate = new IntakeGate(queue, limits())
    let answer: Pass | null | undefined
    void gate.enter().then((p) => (answer = p))
    queue.size = 1
    await vi.advanceTimersByTimeAsync(60)
    expect(answer).toBeTruthy()
  })
})
