/**
 * What the engine, its steps and the clients it calls use of a cancellation signal. An
 * AbortSignal is one (the CLI's and tests' runs may pass theirs); the engine's own is a
 * `Cancellation`.
 */
export interface CancelSignal {
  readonly aborted: boolean
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

/**
 * A signal and its trigger in one plain object, for what every run needs (its cancellation,
 * its time limit): Node 20 keeps each AbortSignal, and every listener it holds, alive through
 * young-generation GCs until a full one, and a run's listeners reach the whole run.
 * Listeners run once, on the first `abort()`; one added after it is never called.
 */
export class Cancellation implements CancelSignal {
  aborted = false
  private listeners: (() => void)[] | null = null

  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    if (this.aborted) return
    this.listeners ??= []
    this.listeners.push(listener)
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners?.indexOf(listener) ?? -1
    if (at >= 0) this.listeners?.splice(at, 1)
  }

  abort(): void {
    if (this.aborted) return
    this.aborted = true
    const listeners = this.listeners ?? []
    this.listeners = null
    for (const listener of listeners) listener()
  }
}
