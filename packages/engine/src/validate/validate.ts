import type { Workflow } from '../model/schema'
import { createContext, type Rule } from './context'
import type { Issue } from './issue'
import { cycleExit } from './rules/cycle-exit'
import { deadEnds } from './rules/dead-ends'
import { decisionBranches } from './rules/decision-branches'
import { decisionCoverage } from './rules/decision-coverage'
import { decisionSubject } from './rules/decision-subject'
import { endReachable } from './rules/end-reachable'
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
  expressions,
  cycleExit,
  unreachableNodes,
  passThroughSteps,
  testCases,
]

/**
 * Checks a workflow and returns every issue found, errors and warnings. Never throws for a
 * schema-valid model; a workflow can be published when no issue has severity "error".
 */
export function validate(workflow: Workflow): Issue[] {
  const ctx = createContext(workflow)
  const issues: Issue[] = []
  for (const rule of rules) rule(ctx, issues)
  return issues
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((issue) => issue.severity === 'error')
}
