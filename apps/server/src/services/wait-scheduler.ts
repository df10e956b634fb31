// setTimeout cannot wait longer than ~24.8 days; longer waits re-arm in steps.
const MAX_DELAY = 2 ** 31 - 1

/** In-process timers for runs suspended at a wait; re-armed from the database at start. */
export class WaitScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private stopped = false

  constructor(private readonly resume: (runId: string) => void) {}

  schedule(runId: string, at: string): void {
    if (this.stopped) return
    clearTimeout(this.timers.get(runId))
    const delay = Math.max(0, Date.parse(at) - Date.now())
    const timer = setTimeout(
      () => {
        this.timers.delete(runId)
        if (delay > MAX_DELAY) this.schedule(runId, at)
        else this.resume(runId)
      },
      Math.min(delay, MAX_DELAY),
    )
    timer.unref()
    this.timers.set(runId, timer)
  }

  stop(): void {
    this.stopped = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}
