import { compileField, evalField, type Field } from '../shared/fields'
import { andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import type { DecisionConfig } from './spec'

/** The output is the subject's value; the executor picks the branch from the edge labels. */
export const decisionExecutor: NodeExecutor<DecisionConfig, Field> = {
  prepare: (config) => {
    if (config.subject.trim() === '') throw new Error('the decision has no subject expression to branch on')
    return compileField('subject', config.subject)
  },
  execute: (subject, ctx) => andThen(evalField(subject, ctx.scope), (output) => ({ output })),
}
