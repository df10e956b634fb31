/**
 * Messages between the pool and a thread go out in one postMessage per turn of the event
 * loop: each postMessage costs a structured clone setup and a wake-up of the other thread,
 * and under load a turn produces many small messages (trace events, checkpoints, acks).
 */
export function outbox<T>(send: (batch: T[]) => void): (msg: T) => void {
  let pending: T[] = []
  let queued = false
  const flush = () => {
    queued = false
    const batch = pending
    pending = []
    send(batch)
  }
  return (msg) => {
    pending.push(msg)
    if (!queued) {
      queued = true
      setImmediate(flush)
    }
  }
}
