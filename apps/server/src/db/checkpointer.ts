import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** How often the checkpointer copies the WAL's new pages into the database file. */
export const CHECKPOINT_EVERY_MS = 500
/**
 * Past this many pages (64 MB) the checkpointer starts the WAL over (see startCheckpointer).
 * A restart's write lock lasts longer the larger the WAL (evenly paced phase of `npm run
 * bench -- live`: a median (slowest) of 12 (22) ms at 16 MB, 20 (31) at 32 MB, 37 (51) at
 * 64 MB), yet restarting past 16 MB, at most twice a second, gave the phase a higher p99 in
 * 9 of 11 pairs of runs back to back (3 of the 4 that changed nothing else), and restarting
 * past 128 MB in 3 pairs of 3.
 */
export const RESTART_AT_PAGES = 16_384
// How long closing the database waits for the checkpointer to let go of the file.
const STOP_WAIT_MS = 5_000

// Slots of the shared flags: the server asks to stop; the thread has closed its connection;
// the thread holds the write lock to start the WAL over.
const STOP = 0
const CLOSED = 1
const RESTARTING = 2

// The thread's whole program: plain CommonJS, so it needs no build step under tsx or node.
// It sleeps on the stop flag between checkpoints and has no event loop work of its own.
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads')
const flags = new Int32Array(workerData.flags)
let db = null
try {
  if (Atomics.load(flags, ${STOP}) === 0) {
    const Database = require(workerData.driver)
    db = new Database(workerData.file)
    db.pragma('busy_timeout = 5000')
    // Checkpoints happen here when asked for, never as a side effect of a write.
    db.pragma('wal_autocheckpoint = 0')
  }
  while (db && Atomics.wait(flags, ${STOP}, 0, workerData.everyMs) === 'timed-out') {
    try {
      const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)')
      if (log >= workerData.restartAtPages) {
        // Copy what arrived during that pass too, so the locked part below is short.
        db.pragma('wal_checkpoint(PASSIVE)')
        Atomics.store(flags, ${RESTARTING}, 1)
        try {
          db.pragma('wal_checkpoint(RESTART)')
        } finally {
          Atomics.store(flags, ${RESTARTING}, 0)
          Atomics.notify(flags, ${RESTARTING})
        }
      }
    } catch (err) {
      parentPort.postMessage(String(err && err.message ? err.message : err))
    }
  }
} catch (err) {
  parentPort.postMessage(String(err && err.message ? err.message : err))
} finally {
  if (db) db.close()
  Atomics.store(flags, ${CLOSED}, 1)
  Atomics.notify(flags, ${CLOSED})
}
`

export type Checkpointer = {
  /**
   * While the checkpointer holds the write lock, a promise of its release; otherwise
   * undefined. Hot writers await it instead of sleeping in SQLite's busy handler, which
   * would stop the whole event loop.
   */
  whenWritable(): Promise<unknown> | undefined
  /** Synchronous (a database's close is): returns once the thread has closed its connection. */
  stop(): void
}

/**
 * Copies the WAL into the database file from a thread of its own. SQLite otherwise does it
 * in the write that crosses the WAL's size limit, on the thread serving HTTP: at a steady
 * load that stalled every request and run for tens of milliseconds twice a second. A PASSIVE
 * checkpoint never blocks the server's writes; the server's own connection keeps a high
 * autocheckpoint limit as a backstop should this thread fall behind.
 *
 * SQLite starts the WAL over only when a write begins with every frame copied. Writes that
 * never pause for a whole checkpoint (its two fsyncs take 10–40 ms under load here) never
 * let that happen, and the WAL grew to that backstop (~200 MB): the thread serving HTTP
 * then checkpointed it itself, a 50–140 ms stall of everything every 5–7 s at 400 runs/s.
 * So past RESTART_AT_PAGES this thread starts the WAL over itself: a second PASSIVE pass
 * copies what arrived during the first, then a RESTART holds the write lock for the small
 * rest and the fsyncs (see RESTART_AT_PAGES for how long under load). Meanwhile the hot
 * writers wait on `whenWritable` and the event loop goes on serving.
 */
export function startCheckpointer(file: string, onError: (message: string) => void): Checkpointer {
  const flags = new Int32Array(new SharedArrayBuffer(12))
  const worker = new Worker(PROGRAM, {
    eval: true,
    workerData: {
      file,
      flags: flags.buffer,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      everyMs: CHECKPOINT_EVERY_MS,
      restartAtPages: RESTART_AT_PAGES,
    },
  })
  worker.unref()
  worker.on('message', onError)
  worker.on('error', (err) => onError(err.message))
  // A thread that died holding the flag must not leave the writers waiting for it.
  worker.on('exit', () => {
    Atomics.store(flags, RESTARTING, 0)
    Atomics.notify(flags, RESTARTING)
  })
  return {
    whenWritable() {
      if (Atomics.load(flags, RESTARTING) === 0) return undefined
      const wait = Atomics.waitAsync(flags, RESTARTING, 1)
      return wait.async ? wait.value : undefined
    },
    stop() {
      if (Atomics.load(flags, STOP) === 1) return
      Atomics.store(flags, STOP, 1)
      Atomics.notify(flags, STOP)
      Atomics.wait(flags, CLOSED, 0, STOP_WAIT_MS)
    },
  }
}
