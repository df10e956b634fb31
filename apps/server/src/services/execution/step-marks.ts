/**
 * Which step each run on a host is computing, in memory shared with the pool. A step that
 * never yields (a catastrophic regular expression) blocks its thread, so the thread cannot
 * report it; the pool reads these marks instead and replaces the thread (DESIGN §4 Isolation).
 *
 * Per slot: since when the current step has been computing (epoch ms; 0 while idle or waiting
 * for I/O) and the index of its node in the workflow.
 */
export class StepMarks {
  readonly since: Float64Array
  readonly node: Int32Array

  constructor(readonly buffer: SharedArrayBuffer) {
    const slots = buffer.byteLength / 12
    this.since = new Float64Array(buffer, 0, slots)
    this.node = new Int32Array(buffer, slots * 8, slots)
  }

  static create(slots: number): StepMarks {
    return new StepMarks(new SharedArrayBuffer(slots * 12))
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

  /** Slots whose step has computed without yielding for longer than `limitMs`. */
  overdue(limitMs: number, now = Date.now()): { slot: number; node: number }[] {
    const found: { slot: number; node: number }[] = []
    for (let slot = 0; slot < this.since.length; slot++) {
      const since = this.since[slot]
      if (since > 0 && now - since > limitMs) found.push({ slot, node: this.node[slot] })
    }
    return found
  }
}
