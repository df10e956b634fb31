import { compileTemplate, evalTemplate, type TemplateField } from '../shared/fields'
import { all, andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import { parseDuration } from '../wait/duration'
import { APPROVED, type ApprovalConfig, assigneeList, REJECTED, TIMEOUT } from './spec'

interface PreparedApproval {
  assignees: string[]
  title: TemplateField
  details: TemplateField
  timeoutMs: number | null
}

/** The run waits for a decision; the server turns `waitFor` into an inbox task. */
export const approvalExecutor: NodeExecutor<ApprovalConfig, PreparedApproval> = {
  prepare: (config) => ({
    assignees: assigneeList(config.assignees),
    title: compileTemplate('title', config.title),
    details: compileTemplate('details', config.details ?? ''),
    timeoutMs: config.timeout === undefined || config.timeout === '' ? null : parseDuration(config.timeout),
  }),
  execute: (p, ctx) =>
    andThen(
      all([evalTemplate(p.title, ctx.scope), evalTemplate(p.details, ctx.scope)]),
      ([title, details]) => ({
        output: null,
        waitFor: {
          kind: 'approval',
          assignees: p.assignees,
          title: title as string,
          details: details as string,
          until: p.timeoutMs === null ? null : ctx.now() + p.timeoutMs,
        },
      }),
    ),
  // A mock is a decision ({decision: "approved" | "rejected"}) or a timeout ({timedOut: true}).
  branchOf: (_p, output) => {
    const o = output as { decision?: unknown; timedOut?: unknown } | null
    if (o?.timedOut === true) return TIMEOUT
    if (o?.decision === APPROVED || o?.decision === REJECTED) return o.decision
    return typeof output === 'string' ? output : undefined
  },
}
