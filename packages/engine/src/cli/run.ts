/**
 * `flowline run FILE --event EVENT.json [--mock NODE=OUT.json]… [--json] [--live]`
 * (DESIGN §5). A dry test run by default: side-effect steps record their request instead
 * of sending it, read-only calls really run unless mocked, waits pass on a virtual clock.
 * `--live` sends side effects for real (waits are still skipped: the CLI cannot suspend).
 * Prints the trace as it happens, one line per event (JSON lines with --json); exit 0 when
 * the run succeeded, 1 otherwise. Never prints a stack trace.
 */
import { readFileSync } from 'node:fs'
import { codeFrame, formatDiagnostic, LineIndex } from '../dsl/diagnostics'
import { parse } from '../dsl/parser'
import type { Workflow } from '../model/schema'
import { createMemoryDataStore } from '../nodes/shared/data-store'
import { runWorkflow } from '../run/executor'
import { getPlan } from '../run/plan'
import type { TraceEvent } from '../run/trace'
import { readSource } from './read-source'

interface Io {
  out(text: string): void
  err(text: string): void
}

const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
}

const USAGE = 'usage: flowline run FILE --event EVENT.json [--mock NODE=OUT.json]... [--json] [--live]\n'

interface RunArgs {
  file: string
  event: string
  mocks: [string, string][]
  json: boolean
  live: boolean
}

function parseArgs(args: string[]): RunArgs | string {
  const files: string[] = []
  const mocks: [string, string][] = []
  let event: string | undefined
  let json = false
  let live = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const value = () => {
      const v = args[++i]
      if (v === undefined) throw new Error(`${arg} needs a value`)
      return v
    }
    if (arg === '--json') json = true
    else if (arg === '--live') live = true
    else if (arg === '--event' || arg.startsWith('--event='))
      event = arg.includes('=') ? arg.slice(8) : value()
    else if (arg === '--mock' || arg.startsWith('--mock=')) {
      const spec = arg.includes('=') && arg.startsWith('--mock=') ? arg.slice(7) : value()
      const eq = spec.indexOf('=')
      if (eq <= 0 || eq === spec.length - 1) return `--mock expects NODE=OUT.json, got "${spec}"`
      mocks.push([spec.slice(0, eq), spec.slice(eq + 1)])
    } else if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`
    else files.push(arg)
  }
  if (files.length !== 1) return `expected one FILE, got ${files.length === 0 ? 'none' : files.length}`
  if (event === undefined) return 'missing --event EVENT.json'
  return { file: files[0], event, mocks, json, live }
}

function readJson(file: string, what: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new Error(
      `${file}: cannot read the ${what}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    )
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new Error(`${file}: the ${what} is not valid JSON: ${(err as Error).message}`)
  }
}

const ms = (n: number) => (n < 10 ? `${n.toFixed(1)}ms` : `${Math.round(n)}ms`)

function short(v: unknown, max = 60): string {
  const text = JSON.stringify(v) ?? 'nothing'
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** One human-readable line per event; steps that only start print nothing until they end. */
function humanLine(e: TraceEvent, workflow: Workflow, dryRun: boolean): string | null {
  const plan = getPlan(workflow)
  const nodeId = 'nodeId' in e ? e.nodeId : undefined
  const node = nodeId === undefined ? undefined : plan.nodes[plan.byId.get(nodeId) ?? -1]
  const name = node ? `${node.id} ${node.label}` : (nodeId ?? '')
  switch (e.type) {
    case 'run.started':
      return `▶ ${workflow.title || 'workflow'} · ${dryRun ? 'dry run' : 'LIVE run'} · ${e.runId}`
    case 'node.finished': {
      const notes: string[] = []
      if (node?.routesOne) notes.push(`→ ${short(e.output)}`)
      if (e.mocked) notes.push('(mocked)')
      if (e.skippedWait)
        notes.push(`(wait skipped on the virtual clock until ${(e.output as { until?: string })?.until})`)
      if (e.request) {
        const sent = !dryRun || !node?.sideEffect || e.mocked
        notes.push(`${e.request.method} ${e.request.url}${sent ? '' : ' (recorded, not sent)'}`)
      }
      return `✓ ${name}${notes.length ? `  ${notes.join(' ')}` : ''}  ${ms(e.durationMs)}`
    }
    case 'node.failed':
      return `✗ ${name}  ${e.error}`
    case 'node.skipped':
      return `– ${name}  ruled out`
    case 'run.suspended': {
      const what =
        e.for === 'event'
          ? 'waiting for an event'
          : e.for === 'approval'
            ? `waiting for approval (${e.assignees?.join(', ')})`
            : 'suspended'
      return `⏸ ${name}  ${what}${e.until ? ` until ${e.until}` : ''}`
    }
    case 'run.finished':
      return e.status === 'succeeded' ? `■ succeeded in ${ms(e.durationMs)}` : `■ ${e.status}: ${e.error}`
    default:
      return null
  }
}

export async function runCommand(args: string[], io: Io = processIo): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    io.out(USAGE)
    return 0
  }
  try {
    const parsed = parseArgs(args)
    if (typeof parsed === 'string') {
      io.err(`flowline run: ${parsed}\n${USAGE}`)
      return 1
    }
    const source = readSource(parsed.file)
    if (!source.ok) {
      io.err(`${source.message}\n`)
      return 1
    }
    const { workflow, diagnostics } = parse(source.text, { file: parsed.file })
    if (!workflow) {
      const index = new LineIndex(source.text)
      for (const d of diagnostics) {
        io.err(`${formatDiagnostic(d, parsed.file)}\n${codeFrame(source.text, d, index)}\n`)
      }
      return 1
    }
    const event = readJson(parsed.event, 'event')
    const mocks: Record<string, unknown> = {}
    for (const [node, file] of parsed.mocks) mocks[node] = readJson(file, `mock for ${node}`)
    const dryRun = !parsed.live
    const result = await runWorkflow(workflow, {
      event,
      mocks,
      dryRun,
      skipWaits: true,
      recordEvents: false,
      // Data-store steps read an empty store that lives as long as this command.
      dataStore: createMemoryDataStore(),
      onEvent: (e) => {
        if (parsed.json) io.out(`${JSON.stringify(e)}\n`)
        else {
          const line = humanLine(e, workflow, dryRun)
          if (line !== null) io.out(`${line}\n`)
        }
      },
    })
    return result.status === 'succeeded' ? 0 : 1
  } catch (err) {
    io.err(`flowline run: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}
