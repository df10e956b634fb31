import type { Workflow } from '../model/schema'
import { createContext, type Rule, type ValidateOptions } from './context'
import type { Issue } from './issue'
import { branchLabels } from './rules/branch-labels'
import { connectionRefs } from './rules/connection-refs'
import { cycleExit } from './rules/cycle-exit'
import { deadEnds } from './rules/dead-ends'
import { decisionBranches } from './rules/decision-branches'
import { decisionCoverage } from './rules/decision-coverage'
import { decisionSubject } from './rules/decision-subject'
import { endReachable } from './rules/end-reachable'
import { errorBranches } from './rules/error-branches'
import { expressions } from './rules/expressions'
import { missingEndpoints } from './rules/missing-endpoints'
import { nodeConfig } from './rules/node-config'
import { nodeTypes } from './rules/node-types'
import { passThroughSteps } from './rules/pass-through'
import { startNode } from './rules/start-node'
import { testCases } from './rules/test-cases'
import { uniqueIds } from './rules/unique-ids'
import { unreachableNodes } from './rules/unreachable-nodes'

/** In reporting order: structure first, then kinds, decisions, expressions and loops. */
export const rules: readonly Rule[] = [
  uniqueIds,
  missingEndpoints,
  startNode,
  endReachable,
  deadEnds,
  nodeTypes,
  nodeConfig,
  decisionSubject,
  decisionBranches,
  decisionCoverage,
  branchLabels,
  errorBranches,
  connectionRefs,
  expressions,
  cycleExit,
  unreachableNodes,
  passThroughSteps,
  testCases,
]

export type { ValidateOptions } from './context'

/**
 * Checks a workflow and returns every issue found, errors and warnings. Never throws for a
 * schema-valid model; a workflow can be published when no issue has severity "error".
 * Browser, CLI and server all call this: with the same connections they report the same issues.
 */
export function validate(workflow: Workflow, options: ValidateOptions = {}): Issue[] {
  const ctx = createContext(workflow, options)
  const issues: Issue[] = []
  for (const rule of rules) rule(ctx, issues)
  return issues
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((issue) => issue.severity === 'error')
}
