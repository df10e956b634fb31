import { decisions } from '../branches'
import type { Rule } from '../context'
import { describeNode } from '../context'
import { error } from '../issue'

/** Branch structure of decisions: ≥ 2 branches, each labelled with a condition, at most one else. */
export const decisionBranches: Rule = (ctx, issues) => {
  const { nodes } = ctx.workflow
  for (const { node, branches } of decisions(ctx)) {
    const id = nodes[node].id
    if (branches.length < 2) {
      const count = branches.length === 0 ? 'no outgoing edges' : 'only one outgoing edge'
      issues.push(
        error(
          'decision-too-few-branches',
          `decision ${describeNode(nodes[node])} has ${count}: a decision needs at least two branches`,
          { nodeId: id },
        ),
      )
    }
    let elseSeen = false
    for (const branch of branches) {
      const edgeId = branch.edge.id
      if (branch.condition === null && branch.error === null) {
        issues.push(
          error(
            'decision-unlabelled-branch',
            `edge ${edgeId} leaves decision ${id} without a label: write its condition (e.g. "page", "> 0.7" or "else")`,
            { nodeId: id, edgeId },
          ),
        )
      } else if (branch.error !== null) {
        issues.push(
          error('decision-invalid-condition', `edge ${edgeId} of decision ${id}: ${branch.error}`, {
            nodeId: id,
            edgeId,
          }),
        )
      } else if (branch.condition?.kind === 'else') {
        if (elseSeen)
          issues.push(
            error('decision-multiple-else', `decision ${id} has more than one else branch (edge ${edgeId})`, {
              nodeId: id,
              edgeId,
            }),
          )
        elseSeen = true
      }
    }
  }
}
