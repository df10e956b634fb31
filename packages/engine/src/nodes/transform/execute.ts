import type { ExpressionScope } from '../../expressions/evaluate'
import { isPromiseLike } from '../../expressions/evaluate'
import { compileField, compileMapping, evalField, type Field } from '../shared/fields'
import type { MaybePromise, NodeExecutor, StepOutcome } from '../types'
import type { TransformConfig } from './spec'

interface PreparedTransform {
  vars: Field[]
  output: Field | null
}

function setVar(scope: ExpressionScope, name: string, value: unknown) {
  if (value === undefined) delete scope.vars[name]
  else scope.vars[name] = value
}

/**
 * Variables are assigned one by one so each can build on the previous ones; the loop
 * drops into async mode only at the first expression that needs JSONata proper.
 */
function run(
  p: PreparedTransform,
  scope: ExpressionScope,
  input: unknown,
  from: number,
  set: Record<string, unknown>,
): MaybePromise<StepOutcome> {
  for (let i = from; i < p.vars.length; i++) {
    const field = p.vars[i]
    const v = evalField(field, scope)
    if (isPromiseLike(v)) {
      return (v as Promise<unknown>).then((resolved) => {
        setVar(scope, field.key!, resolved)
        if (resolved !== undefined) set[field.key!] = resolved
        return run(p, scope, input, i + 1, set)
      })
    }
    setVar(scope, field.key!, v)
    if (v !== undefined) set[field.key!] = v
  }
  if (p.output) {
    const out = evalField(p.output, scope)
    return isPromiseLike(out) ? (out as Promise<unknown>).then((output) => ({ output })) : { output: out }
  }
  return { output: p.vars.length > 0 ? set : input }
}

export const transformExecutor: NodeExecutor<TransformConfig, PreparedTransform> = {
  prepare: (config) => ({
    vars: compileMapping('vars', config.vars),
    output:
      config.output !== undefined && config.output.trim() !== ''
        ? compileField('output', config.output)
        : null,
  }),
  execute: (p, ctx) => run(p, ctx.scope, ctx.input, 0, {}),
}
