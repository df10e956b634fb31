import { evaluateText } from '../expressions/evaluate'
import { truthy } from '../expressions/truthy'
import type { TestCase, Workflow } from '../model/schema'
import { runWorkflow } from './executor'
import type { TraceListener } from './trace'
import type { RunOptions, RunResult } from './types'

export interface TestCaseResult {
  name: string
  passed: boolean
  failures: string[]
  result: RunResult
  /** The path the run took, as its trace events tell it (never re-derived from the graph). */
  path: RunPath
}

export interface RunPath {
  /** Nodes that finished (or failed and continued along their error branch), first visit order. */
  ran: string[]
  /** Nodes ruled out (`node.skipped`) and never run. */
  ruledOut: string[]
  failed: string[]
  edgesTaken: string[]
  edgesSkipped: string[]
}

/** Folds trace events into the path of a run. */
export function pathCollector(): { onEvent: TraceListener; path: () => RunPath } {
  const ran = new Set<string>()
  const skipped = new Set<string>()
  const failed = new Map<string, string>()
  const taken = new Set<string>()
  const notTaken = new Set<string>()
  const onEvent: TraceListener = (e) => {
    if (e.type === 'node.finished') ran.add(e.nodeId)
    else if (e.type === 'node.failed') {
      if (e.continued) ran.add(e.nodeId)
      else if (e.retryInMs === undefined) failed.set(e.nodeId, e.error)
    } else if (e.type === 'node.skipped') skipped.add(e.nodeId)
    else if (e.type === 'edge.taken') taken.add(e.edgeId)
    else if (e.type === 'edge.skipped') notTaken.add(e.edgeId)
  }
  return {
    onEvent,
    path: () => ({
      ran: [...ran],
      ruledOut: [...skipped].filter((id) => !ran.has(id) && !failed.has(id)),
      failed: [...failed.keys()],
      edgesTaken: [...taken],
      edgesSkipped: [...notTaken].filter((id) => !taken.has(id)),
    }),
  }
}

/**
 * Run a saved test case as a dry run with its mocks and check what the author expected:
 * the run succeeded, `expectRan` nodes finished, `expectNotRan` nodes never started,
 * and every assertion (JSONata against `{event, steps, vars}`) is truthy.
 */
export async function runTestCase(
  workflow: Workflow,
  testCase: TestCase,
  options: Omit<RunOptions, 'event' | 'mocks' | 'dryRun'> = {},
): Promise<TestCaseResult> {
  const collector = pathCollector()
  const listener = options.onEvent
  const result = await runWorkflow(workflow, {
    ...options,
    onEvent: listener
      ? (e) => {
          collector.onEvent(e)
          listener(e)
        }
      : collector.onEvent,
    event: testCase.event,
    mocks: testCase.mocks,
    dryRun: true,
    skipWaits: true,
  })
  const failures: string[] = []
  if (result.status !== 'succeeded')
    failures.push(`the run ${result.status}: ${result.error ?? 'no reason given'}`)
  const path = collector.path()
  const ran = new Set(path.ran)
  const ruledOut = new Set(path.ruledOut)
  const failed = new Set(path.failed)
  for (const id of testCase.expectRan ?? []) {
    if (ran.has(id)) continue
    if (failed.has(id)) failures.push(`expected ${id} to run, but it failed: ${result.steps[id]?.error}`)
    else if (ruledOut.has(id)) failures.push(`expected ${id} to run, but it was ruled out`)
    else failures.push(`expected ${id} to run, but it never started`)
  }
  for (const id of testCase.expectNotRan ?? []) {
    if (ran.has(id)) failures.push(`expected ${id} not to run, but it succeeded`)
    else if (failed.has(id)) failures.push(`expected ${id} not to run, but it failed`)
  }
  const scope = { event: testCase.event, steps: stepOutputs(result), vars: result.vars }
  for (const assertion of testCase.assertions ?? []) {
    try {
      const value = await evaluateText(assertion, scope)
      if (!truthy(value))
        failures.push(`assertion failed: ${assertion} (got ${JSON.stringify(value) ?? 'nothing'})`)
    } catch (err) {
      failures.push(`assertion ${assertion} could not be evaluated: ${(err as Error).message}`)
    }
  }
  return { name: testCase.name, passed: failures.length === 0, failures, result, path }
}

function stepOutputs(result: RunResult): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [id, step] of Object.entries(result.steps))
    if (step.status === 'succeeded' || step.continued) out[id] = step.output
  return out
}

/** Every test case of a workflow, in order. */
export async function runTestCases(
  workflow: Workflow,
  options: Omit<RunOptions, 'event' | 'mocks' | 'dryRun'> = {},
): Promise<TestCaseResult[]> {
  const results: TestCaseResult[] = []
  for (const t of workflow.tests ?? []) results.push(await runTestCase(workflow, t, options))
  return results
}

export interface CoverageCount {
  covered: number
  total: number
  /** Ids not exercised by any case, in workflow order. */
  missed: string[]
}

export interface Coverage {
  nodes: CoverageCount
  edges: CoverageCount
}

/**
 * What a set of test cases exercises, over all of them: a node counts once it ran (mocked or
 * not) or failed in some case, an edge once some case took it. Read from the runs' paths, so
 * an edge ruled out in every case is reported, never guessed from the graph.
 */
export function coverageOf(workflow: Workflow, results: readonly TestCaseResult[]): Coverage {
  const nodes = new Set<string>()
  const edges = new Set<string>()
  for (const { path } of results) {
    for (const id of path.ran) nodes.add(id)
    for (const id of path.failed) nodes.add(id)
    for (const id of path.edgesTaken) edges.add(id)
  }
  const count = (ids: string[], seen: Set<string>): CoverageCount => {
    const missed = ids.filter((id) => !seen.has(id))
    return { covered: ids.length - missed.length, total: ids.length, missed }
  }
  const nodeIds = workflow.nodes.map((n) => n.id)
  const edgeIds = workflow.edges.map((e) => e.id)
  return { nodes: count(nodeIds, nodes), edges: count(edgeIds, edges) }
}
