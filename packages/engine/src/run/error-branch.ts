import { at, emit, msSince, type Run } from './context'
import { fire, ruleOut } from './flow'
import type { PlanNode } from './plan'

/** The step failed but the run goes on: its output is the error, and only its error edges fire. */
export function continueAfterError(
  run: Run,
  node: PlanNode,
  input: unknown,
  t0: number,
  attempts: number,
  message: string,
): undefined {
  const { s } = run
  const durationMs = msSince(t0)
  const output = { error: { message, nodeId: node.id, attempts } }
  s.steps[node.id] = output
  s.results[node.id] = {
    status: 'failed',
    error: message,
    output,
    input,
    durationMs,
    visits: s.visits[node.index],
    continued: true,
    ...(attempts > 1 ? { attempts } : {}),
  }
  if (run.tracing) {
    emit(run, {
      type: 'node.failed',
      runId: s.runId,
      at: at(run),
      nodeId: node.id,
      error: message,
      durationMs,
      continued: true,
      output,
    })
  }
  for (const ei of node.out) {
    if (run.plan.edges[ei].error) fire(run, ei)
    else ruleOut(run, ei)
  }
  return undefined
}
