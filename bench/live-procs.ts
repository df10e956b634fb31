/**
 * Child-process plumbing for the process-separated live benchmark: CPU pinning, free ports,
 * readiness, CPU time from /proc, and stopping children by PID.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism } from 'node:os'
import { nodeFlagsFor } from '../apps/server/src/testing/node-flags'

/** taskset exists and there are two CPUs to split between server and load. */
export const canPin =
  process.platform === 'linux' &&
  availableParallelism() >= 2 &&
  spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0

export const clockTicks = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
  return Number(out.stdout?.trim()) || 100
})()

export interface Child {
  proc: ChildProcess
  pid: number
  /** The last few KiB of its stdout and stderr, for error messages. */
  output: () => string
  /** Its first output line and how many lines it printed (the server logs warnings and errors only). */
  logged: () => { lines: number; first: string }
}

/** `node [flags] --import tsx script`, pinned to `cpu` when possible; taskset execs, so the PID is node's. */
export function spawnNode(
  script: string,
  opts: { cwd: string; cpu: number; env?: NodeJS.ProcessEnv; ipc?: boolean },
): Child {
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server.
  const extra = script.includes('apps/server')
    ? (process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])
    : []
  // The server as `npm start` (a worker as `npm run worker`) runs it, with that checkout's flags.
  const node = [process.execPath, ...nodeFlagsFor(script, opts.cwd), ...extra, '--import', 'tsx', script]
  const [cmd, ...args] = canPin ? ['taskset', '-c', String(opts.cpu), ...node] : node
  const proc = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  })
  const logFile = script.includes('apps/server') ? process.env.BENCH_SERVER_LOG : undefined
  let tail = ''
  let first = ''
  let lines = 0
  const keep = (chunk: Buffer) => {
    const text = chunk.toString()
    // BENCH_SERVER_LOG: a file that gets the server's output too (e.g. with BENCH_SERVER_NODE_ARGS=--trace-gc).
    if (logFile) appendFileSync(logFile, text)
    if (!first) first = text.split('\n')[0].slice(0, 600)
    lines += text.split('\n').length - 1
    tail = (tail + text).slice(-4000)
  }
  // Always drain the pipes, or a chatty child blocks on a full pipe.
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  if (proc.pid === undefined) throw new Error(`could not start ${script}`)
  return { proc, pid: proc.pid, output: () => tail, logged: () => ({ lines, first }) }
}

/** SIGTERM, then SIGKILL after a grace period; only ever this one PID. */
export async function stopChild(child: Child | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.proc.once('exit', () => resolve()))
  child.proc.kill('SIGTERM')
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Polls GET /healthz until 200; fails early when the child dies. */
export async function waitHealthy(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) {
      throw new Error(`server exited with ${child.proc.exitCode}:\n${child.output()}`)
    }
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`server not healthy after ${timeoutMs} ms:\n${child.output()}`)
}

/** Fields after the `(comm)` part of /proc/<pid>/stat (comm may contain spaces). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return text.slice(text.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

/**
 * CPU milliseconds (user + system, all threads) of `pid` and its live descendants, plus
 * reaped children: counts worker threads today and worker processes should runs move there.
 */
export function treeCpuMs(pid: number): number {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const f = statFields(Number(entry))
    if (!f) continue
    const ppid = Number(f[1])
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
  }
  let ticks = 0
  const stack = [pid]
  while (stack.length > 0) {
    const p = stack.pop()!
    const f = statFields(p)
    if (!f) continue
    // utime, stime, cutime, cstime are fields 14–17 of stat, i.e. 11–14 after the comm.
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
    stack.push(...(children.get(p) ?? []))
  }
  return (ticks * 1000) / clockTicks
}

/** Busy CPU ms of the whole machine (all CPUs; /proc/stat minus idle and iowait). */
export function machineBusyMs(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number)
  return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / clockTicks
}
