/** What the login needs of a limiter; queue mode shares one through Redis (queue-mode/redis-rate-limit.ts). */
export interface LoginLimiter {
  isBlocked(key: string): boolean | Promise<boolean>
  fail(key: string): void | Promise<void>
  reset(key: string): void | Promise<void>
  /**
   * Counts an attempt before it is judged, in one step: true when it may go ahead (fewer
   * than `max` attempts counted in the window before it). Checking first and counting after
   * the password check would let a burst of concurrent guesses all pass the check.
   */
  take(key: string, max?: number): boolean | Promise<boolean>
  /** Gives back one attempt that turned out right, so only failures stay counted. */
  release(key: string): void | Promise<void>
}

/**
 * Fixed-window failure counter for logins, kept in memory: a restart forgives, which is an
 * acceptable trade for not writing every failed attempt to the database.
 */
export class FailureLimiter implements LoginLimiter {
  private readonly failures = new Map<string, { count: number; windowStart: number }>()

  constructor(
    private readonly max = 10,
    private readonly windowMs = 15 * 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  isBlocked(key: string): boolean {
    const entry = this.current(key)
    return entry !== undefined && entry.count >= this.max
  }

  fail(key: string): void {
    const entry = this.current(key) ?? { count: 0, windowStart: this.clock() }
    entry.count++
    this.failures.set(key, entry)
    if (this.failures.size > 10_000) this.prune()
  }

  reset(key: string): void {
    this.failures.delete(key)
  }

  take(key: string, max = this.max): boolean {
    this.fail(key)
    return this.failures.get(key)!.count <= max
  }

  release(key: string): void {
    const entry = this.current(key)
    if (entry && entry.count > 0) entry.count--
  }

  private current(key: string) {
    const entry = this.failures.get(key)
    if (entry && this.clock() - entry.windowStart > this.windowMs) {
      this.failures.delete(key)
      return undefined
    }
    return entry
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) this.current(key)
  }
}
