import { evaluateText } from '../expressions/evaluate'
import type { TestCase, Workflow } from '../model/schema'
import { runWorkflow } from './executor'
import type { RunOptions, RunResult } from './types'

export interface TestCaseResult {
  name: string
  passed: boolean
  failures: string[]
  result: RunResult
}

/** JSONata's notion of truth, so assertions read like decision subjects. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null) return false
  if (Array.isArray(v)) return v.length === 1 ? truthy(v[0]) : v.some(truthy)
  if (typeof v === 'object') return Object.keys(v).length > 0
  return Boolean(v)
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
  const result = await runWorkflow(workflow, {
    ...options,
    event: testCase.event,
    mocks: testCase.mocks,
    dryRun: true,
    skipWaits: true,
  })
  const failures: string[] = []
  if (result.status !== 'succeeded')
    failures.push(`the run ${result.status}: ${result.error ?? 'no reason given'}`)
  for (const id of testCase.expectRan ?? []) {
    const step = result.steps[id]
    if (!step) failures.push(`expected ${id} to run, but it never started`)
    else if (step.status === 'skipped') failures.push(`expected ${id} to run, but it was ruled out`)
    // A step whose failure was handled (onError "continue") did run: its error branch is the expected path.
    else if (step.status === 'failed' && !step.continued)
      failures.push(`expected ${id} to run, but it failed: ${step.error}`)
  }
  for (const id of testCase.expectNotRan ?? []) {
    const step = result.steps[id]
    if (step && step.status !== 'skipped') failures.push(`expected ${id} not to run, but it ${step.status}`)
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
  return { name: testCase.name, passed: failures.length === 0, failures, result }
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
