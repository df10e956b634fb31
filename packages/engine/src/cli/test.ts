/**
 * `flowline test FILE… [--json]` (DESIGN §5): runs the test cases written in each file, dry,
 * with their mocks, waits skipped on the virtual clock and a fresh in-memory data store per
 * case. Prints each case with ✓/✗ and why, the file's coverage (nodes that ran, edges taken,
 * over all its cases) and, as the last line, `N passed, N failed` over every file. Exit 0
 * when every case passed and every file could be read, 1 otherwise.
 */
import { codeFrame, formatDiagnostic, LineIndex } from '../dsl/diagnostics'
import { parse } from '../dsl/parser'
import type { Workflow } from '../model/schema'
import { createMemoryDataStore } from '../nodes/shared/data-store'
import { type Coverage, coverageOf, runTestCase, type TestCaseResult } from '../run/test-cases'
import { readSource } from './read-source'

interface Io {
  out(text: string): void
  err(text: string): void
}

const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
}

const USAGE = 'usage: flowline test FILE... [--json]\n'

/** One file's outcome: its cases and coverage, or why it could not be tested. */
export interface FileReport {
  file: string
  title?: string
  /** `FILE:LINE:COL: message` lines when the file could not be read or parsed. */
  errors?: string[]
  cases: CaseReport[]
  coverage?: Coverage
  passed: number
  failed: number
}

export interface CaseReport {
  name: string
  passed: boolean
  /** What did not hold, one sentence each (empty when it passed). */
  failures: string[]
  status: TestCaseResult['result']['status']
  /** Nodes that ran, in order, and the edges taken: the path the case exercised. */
  ran: string[]
  edgesTaken: string[]
  mocked: string[]
  waitsSkipped: string[]
  durationMs: number
}

export interface TestReport {
  files: FileReport[]
  passed: number
  failed: number
}

function parseArgs(args: string[]): { files: string[]; json: boolean } | string {
  const files: string[] = []
  let json = false
  for (const arg of args) {
    if (arg === '--json') json = true
    else if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`
    else files.push(arg)
  }
  if (files.length === 0) return 'expected at least one FILE'
  return { files, json }
}

function caseReport(r: TestCaseResult): CaseReport {
  const steps = Object.entries(r.result.steps)
  return {
    name: r.name,
    passed: r.passed,
    failures: r.failures,
    status: r.result.status,
    ran: r.path.ran,
    edgesTaken: r.path.edgesTaken,
    mocked: steps.filter(([, s]) => s.mocked).map(([id]) => id),
    waitsSkipped: steps.filter(([, s]) => s.skippedWait || isTimeout(s.output)).map(([id]) => id),
    durationMs: r.result.durationMs,
  }
}

/** Steps waiting for an event or a decision take their timeout in a test run unless mocked. */
const isTimeout = (output: unknown) => (output as { timedOut?: unknown } | null)?.timedOut === true

/** Runs every case of one file; never throws (a broken file becomes `errors`). */
export async function testFile(file: string): Promise<FileReport> {
  return (await testSource(file)).report
}

async function testSource(file: string): Promise<{ report: FileReport; workflow: Workflow | null }> {
  const source = readSource(file)
  if (!source.ok)
    return { report: { file, errors: [source.message], cases: [], passed: 0, failed: 0 }, workflow: null }
  const { workflow, diagnostics } = parse(source.text, { file })
  if (!workflow) {
    const index = new LineIndex(source.text)
    const errors = diagnostics.map((d) => `${formatDiagnostic(d, file)}\n${codeFrame(source.text, d, index)}`)
    return { report: { file, errors, cases: [], passed: 0, failed: 0 }, workflow: null }
  }
  const results = await runCases(workflow)
  const cases = results.map(caseReport)
  const passed = cases.filter((c) => c.passed).length
  const report: FileReport = {
    file,
    title: workflow.title,
    cases,
    coverage: coverageOf(workflow, results),
    passed,
    failed: cases.length - passed,
  }
  return { report, workflow }
}

async function runCases(workflow: Workflow): Promise<TestCaseResult[]> {
  const results: TestCaseResult[] = []
  for (const testCase of workflow.tests ?? []) {
    // Each case starts from empty stores, so cases neither see nor depend on each other's writes.
    results.push(
      await runTestCase(workflow, testCase, { dataStore: createMemoryDataStore(), recordEvents: false }),
    )
  }
  return results
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** Why a passing case is believable: how much of the workflow it walked and what it pinned. */
function passNote(c: CaseReport): string {
  const parts = [plural(c.ran.length, 'step')]
  if (c.mocked.length > 0) parts.push(`${c.mocked.length} mocked`)
  if (c.waitsSkipped.length > 0) parts.push(`${plural(c.waitsSkipped.length, 'wait')} skipped`)
  return parts.join(' · ')
}

export function coverageLine(coverage: Coverage): string {
  const { nodes, edges } = coverage
  return `coverage: ${nodes.covered}/${nodes.total} nodes, ${edges.covered}/${edges.total} edges`
}

function humanFile(report: FileReport, workflow: Workflow | null): string {
  const lines = [report.title ? `${report.file} — ${report.title}` : report.file]
  if (report.cases.length === 0) lines.push('  (no test cases)')
  for (const c of report.cases) {
    lines.push(c.passed ? `✓ ${c.name}  ${passNote(c)}` : `✗ ${c.name}`)
    for (const failure of c.failures) lines.push(`    ${failure}`)
  }
  if (report.coverage) {
    lines.push(coverageLine(report.coverage))
    const missed = describeMissed(report.coverage, workflow)
    if (missed) lines.push(`  not covered: ${missed}`)
  }
  return `${lines.join('\n')}\n`
}

function describeMissed(coverage: Coverage, workflow: Workflow | null): string {
  const label = (id: string) => workflow?.nodes.find((n) => n.id === id)?.label
  const edge = (id: string) => workflow?.edges.find((e) => e.id === id)?.label
  const parts: string[] = []
  if (coverage.nodes.missed.length > 0)
    parts.push(
      `nodes ${coverage.nodes.missed.map((id) => (label(id) ? `${id} "${label(id)}"` : id)).join(', ')}`,
    )
  if (coverage.edges.missed.length > 0)
    parts.push(
      `edges ${coverage.edges.missed.map((id) => (edge(id) ? `${id} [${edge(id)}]` : id)).join(', ')}`,
    )
  return parts.join('; ')
}

export async function testCommand(args: string[], io: Io = processIo): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    io.out(USAGE)
    return 0
  }
  const parsed = parseArgs(args)
  if (typeof parsed === 'string') {
    io.err(`flowline test: ${parsed}\n${USAGE}`)
    return 1
  }
  const report: TestReport = { files: [], passed: 0, failed: 0 }
  let unreadable = 0
  let printed = false
  for (const file of parsed.files) {
    const { report: fileReport, workflow } = await testSource(file)
    report.files.push(fileReport)
    report.passed += fileReport.passed
    report.failed += fileReport.failed
    if (fileReport.errors) {
      unreadable++
      io.err(`${fileReport.errors.join('\n')}\n`)
      continue
    }
    if (parsed.json) continue
    io.out(`${printed ? '\n' : ''}${humanFile(fileReport, workflow)}`)
    printed = true
  }
  if (parsed.json) io.out(`${JSON.stringify(report)}\n`)
  else io.out(`${printed ? '\n' : ''}${report.passed} passed, ${report.failed} failed\n`)
  return report.failed === 0 && unreadable === 0 ? 0 : 1
}
