import type { Rule } from '../context'
import { warning } from '../issue'

/** Saved test cases that name deleted nodes would fail or mock nothing: say so when editing. */
export const testCases: Rule = (ctx, issues) => {
  const { adj, workflow } = ctx
  for (const test of workflow.tests ?? []) {
    const named = [...(test.expectRan ?? []), ...(test.expectNotRan ?? []), ...Object.keys(test.mocks ?? {})]
    const missing = [...new Set(named.filter((id) => !adj.index.has(id)))]
    if (missing.length === 0) continue
    issues.push(
      warning(
        'test-unknown-node',
        `test "${test.name}" names nodes that do not exist: ${missing.join(', ')}`,
        { nodeId: missing[0] },
      ),
    )
  }
}
