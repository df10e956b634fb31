import { codeFrame, type Diagnostic, formatDiagnostic, LineIndex } from '../dsl/diagnostics'
import { type ParseResult, parse } from '../dsl/parser'
import { format } from '../dsl/printer'
import type { ConnectionInfo } from '../nodes/shared/connections'
import type { Issue } from '../validate/issue'
import { hasErrors, validate } from '../validate/validate'
import { readSource } from './read-source'

const USAGE = `Usage: flowline <command> [options]

Commands:
  parse FILE                 print the workflow model as JSON
  format FILE                print the file in canonical notation
  validate FILE [--json] [--connections LIST.json]
                             list errors and warnings; exit 1 when there is an error
                             --json prints {"issues":[{severity, code, message, nodeId?, edgeId?}]}
                             --connections: [{"id","name","type"}], the connections that exist
                             (as connections.list gives them): steps' references are checked too
  run FILE --event EVENT.json [--mock NODE=OUT.json]... [--json]
                             dry test run; --json prints one trace event per line
  test FILE... [--json]      run the test cases written in each file: ✓/✗ per case and why,
                             coverage (nodes run, edges taken) per file, then
                             "N passed, N failed"; exit 1 when a case fails
                             --json prints {"files":[{file, cases, coverage, …}], passed, failed}

FILE may be - to read standard input. Errors are printed as FILE:LINE:COL: message.
Options: -h, --help  show this help
`

/** Code frames are for people; past this many errors only the messages are printed. */
const MAX_FRAMES = 10

interface Io {
  out(text: string): void
  err(text: string): void
}

const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
}

/**
 * The `flowline` CLI (DESIGN §5). Returns the exit code; never throws and never prints a
 * stack trace: every failure becomes a one-line message on stderr and exit code 1.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  // `flowline parse big.flow | head` closes the pipe early; that is not an error.
  if (!process.stdout.listeners('error').includes(onStdoutError)) process.stdout.on('error', onStdoutError)
  try {
    const [command, ...args] = argv
    if (command === undefined) {
      io.err(USAGE)
      return 1
    }
    switch (command) {
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE)
        return 0
      case 'parse':
      case 'format':
      case 'validate':
        return fileCommand(command, args, io)
      case 'run':
        return await runCommand(args, io)
      case 'test':
        return await testCommand(args, io)
      default:
        io.err(
          `flowline: unknown command "${command}": expected parse, format, validate, run or test (see flowline --help)\n`,
        )
        return 1
    }
  } catch (err) {
    io.err(`flowline: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}

function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') return
  process.stderr.write(`flowline: cannot write the output: ${err.message}\n`)
  process.exitCode = 1
}

function fileCommand(command: 'parse' | 'format' | 'validate', args: string[], io: Io): number {
  const files: string[] = []
  let json = false
  let connectionsFile: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '-h' || arg === '--help') {
      io.out(USAGE)
      return 0
    }
    if (arg === '--json' && command === 'validate') json = true
    else if (arg === '--connections' && command === 'validate') {
      connectionsFile = args[++i]
      if (connectionsFile === undefined) {
        io.err(`flowline ${command}: --connections needs a FILE (see flowline --help)\n`)
        return 1
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      io.err(`flowline ${command}: unknown option ${arg} (see flowline --help)\n`)
      return 1
    } else files.push(arg)
  }
  if (files.length !== 1) {
    io.err(
      `flowline ${command}: expected one FILE, got ${files.length === 0 ? 'none' : files.length} (see flowline --help)\n`,
    )
    return 1
  }
  const file = files[0]
  const source = readSource(file)
  if (!source.ok) {
    io.err(`${source.message}\n`)
    if (json)
      io.out(
        `${JSON.stringify({ issues: [{ severity: 'error', code: 'unreadable-file', message: source.message }] })}\n`,
      )
    return 1
  }
  const result = parse(source.text, { file })
  if (result.workflow === null) {
    printDiagnostics(source.text, file, result.diagnostics, io)
    if (json)
      io.out(`${JSON.stringify({ issues: result.diagnostics.map((d) => diagnosticIssue(d, file)) })}\n`)
    return 1
  }
  if (command === 'parse') {
    io.out(`${JSON.stringify(result.workflow, null, 2)}\n`)
    return 0
  }
  if (command === 'format') {
    io.out(format(result.workflow))
    return 0
  }
  const connections = connectionsFile === undefined ? undefined : readConnections(connectionsFile)
  if (typeof connections === 'string') {
    io.err(`flowline validate: ${connections}\n`)
    return 1
  }
  const issues = validate(result.workflow, connections ? { connections } : {})
  if (json) io.out(`${JSON.stringify({ issues })}\n`)
  else printIssues(source.text, file, result, issues, io)
  return hasErrors(issues) ? 1 : 0
}

/** The connections list of `--connections`, or what is wrong with the file. */
function readConnections(file: string): ConnectionInfo[] | string {
  const source = readSource(file)
  if (!source.ok) return source.message
  let list: unknown
  try {
    list = JSON.parse(source.text)
  } catch (err) {
    return `${file}: not valid JSON: ${(err as Error).message}`
  }
  const ok =
    Array.isArray(list) &&
    list.every(
      (c) =>
        c &&
        typeof c === 'object' &&
        ['id', 'name', 'type'].every((k) => typeof (c as Record<string, unknown>)[k] === 'string'),
    )
  return ok ? (list as ConnectionInfo[]) : `${file}: expected a JSON array of {"id", "name", "type"}`
}

function printDiagnostics(source: string, file: string, diagnostics: Diagnostic[], io: Io): void {
  const index = new LineIndex(source)
  const lines = diagnostics.map((d, i) => {
    const head = formatDiagnostic(d, file)
    return i < MAX_FRAMES && d.code !== 'too-many-errors'
      ? `${head}\n${codeFrame(source, d, index)}\n`
      : `${head}\n`
  })
  io.err(lines.join(''))
}

function diagnosticIssue(d: Diagnostic, file: string): Issue {
  return { severity: 'error', code: d.code ?? 'syntax', message: formatDiagnostic(d, file) }
}

/** One line per issue, located at the node's or edge's definition: `FILE:LINE:COL: error: … [code]`. */
function printIssues(source: string, file: string, result: ParseResult, issues: Issue[], io: Io): void {
  const workflow = result.workflow
  if (!workflow) return
  const index = new LineIndex(source)
  const nodeAt = new Map(workflow.nodes.map((n, i) => [n.id, result.nodeOffsets[i]]))
  const edgeAt = new Map(workflow.edges.map((e, i) => [e.id, result.edgeOffsets[i]]))
  const out: string[] = []
  for (const issue of issues) {
    const offset =
      (issue.edgeId !== undefined ? edgeAt.get(issue.edgeId) : undefined) ??
      (issue.nodeId !== undefined ? nodeAt.get(issue.nodeId) : undefined)
    const where =
      offset === undefined ? file : `${file}:${index.locate(offset).line}:${index.locate(offset).column}`
    out.push(`${where}: ${issue.severity}: ${issue.message} [${issue.code}]\n`)
  }
  const errors = issues.filter((i) => i.severity === 'error').length
  const warnings = issues.length - errors
  out.push(
    issues.length === 0
      ? `${file}: no issues\n`
      : `${file}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`,
  )
  io.out(out.join(''))
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** `run` lives in ./run (the executor's CLI); loaded on demand so parse/format/validate stay light. */
async function runCommand(args: string[], io: Io): Promise<number> {
  let mod: typeof import('./run')
  try {
    mod = await import('./run')
  } catch (err) {
    if (
      (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' &&
      /\brun\b/.test(String((err as Error).message))
    ) {
      io.err('flowline run: test runs are not available in this build\n')
      return 1
    }
    throw err
  }
  return mod.runCommand(args)
}

/** `test` runs workflows too: loaded on demand like `run`. */
async function testCommand(args: string[], io: Io): Promise<number> {
  const mod = await import('./test')
  return mod.testCommand(args, io)
}
