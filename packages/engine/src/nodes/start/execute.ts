import type { ExpressionScope } from '../../expressions/evaluate'
import { truthy } from '../../expressions/truthy'
import { compileField, evalField, type Field } from '../shared/fields'
import { andThen } from '../shared/maybe'
import type { MaybePromise, NodeExecutor } from '../types'
import type { StartConfig } from './spec'

/** The compiled filter, or null when every event is for this workflow. */
export type PreparedStart = Field | null

/** Whether the event passes the start's filter (JSONata truth); a filter that fails to evaluate throws. */
export function passesFilter(filter: PreparedStart, scope: ExpressionScope): MaybePromise<boolean> {
  if (filter === null) return true
  return andThen(evalField(filter, scope), truthy)
}

/**
 * The output is the event. A rejected event goes no further: live events are turned away
 * before a run exists (`acceptsEvent`), so this only shows in test runs, as a start whose
 * edges are all ruled out.
 */
export const startExecutor: NodeExecutor<StartConfig, PreparedStart> = {
  prepare: (config) => (config.filter?.trim() ? compileField('filter', config.filter) : null),
  execute: (filter, ctx) =>
    andThen(passesFilter(filter, ctx.scope), (ok) =>
      ok ? { output: ctx.scope.event } : { output: ctx.scope.event, stop: true },
    ),
}
