import { type RunDeps, runSavedTests, type Workflow } from './engine'

export interface TestCaseOutcome {
  /** Position in `model.tests`: names are not guaranteed unique while a draft is edited. */
  index: number
  name: string
  passed: boolean
  reason: string | null
}

/**
 * Every saved test case of a model, saved or not, judged by the same function publishing
 * uses, so "all green in the panel" means "publish will not refuse". One case at a time:
 * the shared runner reports failures only, and by name.
 */
export async function runTestsOf(model: Workflow, runDeps: () => RunDeps): Promise<TestCaseOutcome[]> {
  // Runs where it is called: in the server that is a run thread (see RunPool.runTests).
  const outcomes: TestCaseOutcome[] = []
  for (const [index, testCase] of (model.tests ?? []).entries()) {
    const [failure] = await runSavedTests({ ...model, tests: [testCase] }, runDeps())
    outcomes.push({ index, name: testCase.name, passed: !failure, reason: failure?.reason ?? null })
  }
  return outcomes
}
