import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NOT_INHERITED, OUTPUT_LIMIT, REPO_ROOT } from './child-server'
import { nodeFlagsFor } from './node-flags'

/**
 * A queue-mode worker (`node --import tsx apps/server/src/worker.ts`) as a child process,
 * configured through its environment only, killed by its own PID (see child-server.ts).
 * `entry` main.ts makes it a further API process on the same database and Redis.
 */
const WORKER = 'apps/server/src/worker.ts'

const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

export type ChildWorker = ReturnType<typeof createChildWorker>

export function createChildWorker(name: string, env: Record<string, string>, entry = WORKER) {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowline-worker-'))
  let child: ChildProcess | undefined
  let output = ''
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null

  const worker = {
    name,
    output: () => output,
    get pid() {
      return running() ? child?.pid : undefined
    },
    start(): void {
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !NOT_INHERITED.test(k)),
      )
      const extra = process.env.FLOWLINE_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []
      const proc = spawn(
        process.execPath,
        [...nodeFlagsFor(entry, REPO_ROOT), ...extra, '--import', 'tsx', entry],
        {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...inherited, FLOWLINE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
        },
      )
      child = proc
      live.add(proc)
      const append = (c: Buffer) => {
        output = (output + c.toString()).slice(-OUTPUT_LIMIT)
      }
      proc.stdout?.on('data', append)
      proc.stderr?.on('data', append)
      proc.once('exit', (code, signal) => {
        live.delete(proc)
        output += `----- worker ${name} (pid ${proc.pid}) exited (${code ?? signal}) -----\n`
      })
    },
    /** kill -9; resolves once the process is gone. */
    async kill(): Promise<void> {
      const proc = child
      if (!proc || !running()) return
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
      process.kill(proc.pid!, 'SIGKILL')
      await gone
    },
    async dispose(): Promise<void> {
      await worker.kill()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return worker
}
