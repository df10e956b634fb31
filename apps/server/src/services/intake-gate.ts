import { type BacklogLimits, backlogFull, type RunQueue } from './run-queue'

// Deliveries waiting for room at once; beyond this they get the 503 at once. Each holds a
// socket and a small closure, and a sender rarely keeps more connections than this open.
const MAX_WAITING = 1_024
// Queues that cannot say when a job settles (queue mode: the jobs are in Redis) are looked at
// this often while someone waits.
const POLL_MS = 50

interface Waiter {
  runs: number
  bytes: number
  resolve(pass: Pass | null): void
  timer: NodeJS.Timeout
}

/** Room in the backlog, held from admission until the delivery's runs are enqueued (or refused). */
export interface Pass {
  /** Whether its runs still fit with `bytes` of events (known once the body is read). */
  fits(bytes: number): boolean
  /** Call once, when its runs are enqueued or the delivery answered otherwise. */
  leave(): void
}

/**
 * Admission to the run backlog for intake (webhooks, the tracking API). When the backlog is
 * full, a delivery waits for room, first come first served, up to `limits.waitMs`
 * (FLOWLINE_BACKLOG_WAIT_MS) before the 503: a sender keeping its connection is then paced to
 * the rate runs finish at, instead of a flood of refusals that each cost the server nearly as
 * much as accepting (measured: three 503s per accepted webhook flat out, 13 % of its CPU).
 * Admitted deliveries count as queued until they `leave()`, so a newcomer cannot take the room
 * a waiter was given.
 */
export class IntakeGate {
  private readonly waiting: Waiter[] = []
  /** Runs admitted and not yet enqueued or refused. */
  private entering = 0
  private poll: NodeJS.Timeout | null = null
  private closed = false

  constructor(
    private readonly queue: RunQueue,
    private readonly limits: BacklogLimits,
  ) {
    queue.onSettled?.(() => this.wake())
  }

  /**
   * A pass for `runs` more runs holding `bytes` of events, at once or after waiting for room;
   * null when there is none within the wait (or the runs can never fit). `whenGone` is handed
   * what ends a wait early, for when the sender hangs up.
   */
  enter(runs = 1, bytes = 0, whenGone?: (giveUp: () => void) => void): Promise<Pass | null> {
    if (this.waiting.length === 0 && this.hasRoom(runs, bytes)) return Promise.resolve(this.admit(runs))
    // More runs than the whole backlog holds never fit (an empty backlog takes one, however large).
    const never = runs > this.limits.runs
    if (this.closed || never || this.limits.waitMs <= 0 || this.waiting.length >= MAX_WAITING)
      return Promise.resolve(null)
    return new Promise((resolve) => {
      const waiter: Waiter = {
        runs,
        bytes,
        resolve,
        timer: setTimeout(() => this.giveUp(waiter), this.limits.waitMs),
      }
      whenGone?.(() => this.giveUp(waiter))
      this.waiting.push(waiter)
      if (!this.queue.onSettled) this.startPolling()
    })
  }

  /** Refuses everyone waiting; later deliveries meeting a full backlog no longer wait (the server is closing). */
  close(): void {
    this.closed = true
    for (const waiter of [...this.waiting]) this.giveUp(waiter)
  }

  private hasRoom(runs: number, bytes: number): boolean {
    return !backlogFull(this.queue, this.limits, this.entering + runs, bytes)
  }

  private admit(runs: number): Pass {
    this.entering += runs
    let left = false
    return {
      fits: (bytes) => !backlogFull(this.queue, this.limits, this.entering, bytes),
      leave: () => {
        if (left) return
        left = true
        this.entering -= runs
        this.wake()
      },
    }
  }

  /** Lets in, in order, the waiters there is room for now. */
  private wake(): void {
    while (this.waiting.length > 0) {
      const first = this.waiting[0]
      if (!this.hasRoom(first.runs, first.bytes)) break
      this.waiting.shift()
      clearTimeout(first.timer)
      first.resolve(this.admit(first.runs))
    }
    if (this.waiting.length === 0) this.stopPolling()
  }

  private giveUp(waiter: Waiter): void {
    const at = this.waiting.indexOf(waiter)
    if (at < 0) return
    this.waiting.splice(at, 1)
    clearTimeout(waiter.timer)
    waiter.resolve(null)
    // The first in line may have been waiting for more room than the next one needs.
    if (at === 0) this.wake()
  }

  private startPolling(): void {
    this.poll ??= setInterval(() => this.wake(), POLL_MS)
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll)
    this.poll = null
  }
}
