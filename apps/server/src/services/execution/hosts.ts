import { Worker } from 'node:worker_threads'
import type { RunDeps } from '../engine'
import { outbox } from './outbox'
import type { FromHost, HostConfig, ToHost } from './protocol'
import { createRunHost } from './run-host'
import { stateBoxOf } from './sealed-state'
import { StepMarks } from './step-marks'

/** Where the pool's runs execute: a worker thread, or (tests with injected clients) this thread. */
export interface HostHandle {
  readonly id: number
  /** Shared step marks of a thread; null inline, where a stuck step cannot be stopped. */
  readonly marks: StepMarks | null
  send(msg: ToHost): void
  /** Stops the thread at once, even inside code that never yields. */
  terminate(): void
}

export interface HostEvents {
  message(host: HostHandle, msg: FromHost): void
  /** The thread died (crash, out of memory) without being terminated by the pool. */
  died(host: HostHandle, err: Error): void
}

let nextId = 1

/** `entry`: the bundled thread code (thread-bundle.ts), prepared before the first spawn. */
export function spawnThread(entry: string, config: HostConfig, slots: number, on: HostEvents): HostHandle {
  const marks = StepMarks.create(slots)
  const worker = new Worker(entry, {
    workerData: { config, marks: marks.buffer },
  })
  let terminated = false
  const handle: HostHandle = {
    id: nextId++,
    marks,
    send: outbox<ToHost>((batch) => worker.postMessage(batch)),
    terminate() {
      terminated = true
      void worker.terminate()
    },
  }
  worker.on('message', (batch: FromHost[]) => {
    for (const msg of batch) if (!terminated) on.message(handle, msg)
  })
  worker.on('error', (err) => {
    if (!terminated) {
      terminated = true
      on.died(handle, err)
    }
  })
  worker.on('exit', (code) => {
    if (!terminated) {
      terminated = true
      on.died(handle, new Error(`run thread exited with code ${code}`))
    }
  })
  return handle
}

/**
 * Runs on this thread, for tests that inject functions (fetch, DNS) a thread cannot receive.
 * `stateKey`: as a thread's (HostConfig).
 */
export function inlineHost(
  deps: RunDeps,
  now: () => number,
  on: HostEvents,
  stateKey?: Uint8Array,
): HostHandle {
  const handle: HostHandle = {
    id: nextId++,
    marks: null,
    send: (msg) => queueMicrotask(() => host.handle(msg)),
    terminate() {},
  }
  const host = createRunHost({
    post: (msg) => queueMicrotask(() => on.message(handle, msg)),
    deps,
    now,
    marks: null,
    box: stateBoxOf(stateKey),
  })
  return handle
}
