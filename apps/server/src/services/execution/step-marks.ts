/**
 * Which step each run on a host is computing, and whether the host's event loop still
 * turns, in memory shared with the pool. A step that never yields (a catastrophic regular
 * expression) blocks its thread, so the thread cannot report it; the pool reads these marks
 * instead and replaces the thread (DESIGN §4 Isolation).
 *
 * Per slot: since when the current step has been computing (epoch ms; 0 while idle or waiting
 * for I/O) and the index of its node in the workflow. Plus a heartbeat the host's event loop
 * writes every BEAT_MS: a step is only overdue while that has stopped, so a step that waits
 * (a retry's pause, a timer) is never mistaken for one that blocks.
 */
export const BEAT_MS = 50

export class StepMarks {
  readonly since: Float64Array
  readonly node: Int32Array
  private readonly beatAt: Float64Array

  constructor(readonly buffer: SharedArrayBuffer) {
    const slots = buffer.byteLength / 12 - 1
    this.since = new Float64Array(buffer, 0, slots)
    this.beatAt = new Float64Array(buffer, slots * 8, 1)
    this.node = new Int32Array(buffer, (slots + 1) * 8, slots)
  }

  static create(slots: number): StepMarks {
    // slots × (8 + 4) bytes, plus 8 for the heartbeat and 4 of padding.
    return new StepMarks(new SharedArrayBuffer((slots + 1) * 12))
  }

  get slots(): number {
    return this.since.length
  }

  computing(slot: number, node: number): void {
    this.node[slot] = node
    this.since[slot] = Date.now()
  }

  idle(slot: number): void {
    this.since[slot] = 0
  }

  /** Called by the host's event loop: it is turning. */
  beat(): void {
    this.beatAt[0] = Date.now()
  }

  /** Slots whose step has computed for longer than `limitMs` while the event loop stood still. */
  overdue(limitMs: number, now = Date.now()): { slot: number; node: number }[] {
    const beat = this.beatAt[0]
    if (beat === 0 || now - beat <= limitMs) return []
    const found: { slot: number; node: number }[] = []
    for (let slot = 0; slot < this.since.length; slot++) {
      const since = this.since[slot]
      if (since > 0 && now - since > limitMs) found.push({ slot, node: this.node[slot] })
    }
    return found
  }
}
