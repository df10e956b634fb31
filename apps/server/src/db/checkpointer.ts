import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** How often the checkpointer copies the WAL's new pages into the database file. */
export const CHECKPOINT_EVERY_MS = 500
// How long closing the database waits for the checkpointer to let go of the file.
const STOP_WAIT_MS = 5_000

// Slots of the shared flags: the server asks to stop; the thread has closed its connection.
const STOP = 0
const CLOSED = 1

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
      db.pragma('wal_checkpoint(PASSIVE)')
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

/**
 * Copies the WAL into the database file from a thread of its own. SQLite otherwise does it
 * in the write that crosses the WAL's size limit, on the thread serving HTTP: at a steady
 * load that stalled every request and run for tens of milliseconds twice a second. A PASSIVE
 * checkpoint never blocks the server's writes; the server's own connection keeps a high
 * autocheckpoint limit as a backstop should this thread fall behind.
 *
 * Known limit: SQLite starts the WAL over only when a write begins with every frame copied,
 * and under writes that never pause for a whole checkpoint (its two fsyncs take 20–90 ms
 * here) that never happens. The WAL then grows to that limit (~200 MB) and the thread
 * serving HTTP checkpoints it itself: one 50–140 ms stall, every 5–7 s at 400 runs/s in
 * `npm run bench -- live`. A RESTART checkpoint from this thread holds the write lock through
 * the same fsyncs and stalled commits as long (measured at 16,384 and 40,000 pages).
 *
 * The returned stop is synchronous (a database's close is): it returns once the thread has
 * closed its connection.
 */
export function startCheckpointer(file: string, onError: (message: string) => void): () => void {
  const flags = new Int32Array(new SharedArrayBuffer(8))
  const worker = new Worker(PROGRAM, {
    eval: true,
    workerData: {
      file,
      flags: flags.buffer,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      everyMs: CHECKPOINT_EVERY_MS,
    },
  })
  worker.unref()
  worker.on('message', onError)
  worker.on('error', (err) => onError(err.message))
  return () => {
    if (Atomics.load(flags, STOP) === 1) return
    Atomics.store(flags, STOP, 1)
    Atomics.notify(flags, STOP)
    Atomics.wait(flags, CLOSED, 0, STOP_WAIT_MS)
  }
}
