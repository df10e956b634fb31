import type { ExpressionScope } from '../../expressions/evaluate'
import { truthy } from '../../expressions/truthy'
import { compileField, evalField, type Field } from '../shared/fields'
import { andThen } from '../shared/maybe'
import type { MaybePromise, NodeExecutor } from '../types'
import { parseDuration } from '../wait/duration'
import { RECEIVED, TIMEOUT, type WaitForEventConfig } from './spec'

export interface PreparedWaitForEvent {
  filter: Field | null
  /** null: uncorrelated, every event passing the filter matches. */
  correlate: Field | null
  timeoutMs: number | null
}

/** The key every event has when the step is uncorrelated. */
const ANY = '*'

// Both expressions read an event at their root (`userId`, `event = "Offer Accepted"`).
const over = (event: unknown) => event as ExpressionScope

/** A correlation value as stored and compared: strings as they are, anything else as JSON. */
function keyOf(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function correlationKey(p: PreparedWaitForEvent, event: unknown): MaybePromise<string | null> {
  if (p.correlate === null) return ANY
  return andThen(evalField(p.correlate, over(event)), keyOf)
}

/**
 * The key under which an incoming event resumes runs waiting at this step, or null when the
 * event does not pass the filter or has no key. Evaluated where runs execute, never on the
 * thread serving HTTP.
 */
export function incomingKey(p: PreparedWaitForEvent, event: unknown): MaybePromise<string | null> {
  if (p.filter === null) return correlationKey(p, event)
  return andThen(evalField(p.filter, over(event)), (passes) =>
    truthy(passes) ? correlationKey(p, event) : null,
  )
}

export const waitForEventExecutor: NodeExecutor<WaitForEventConfig, PreparedWaitForEvent> = {
  prepare: (config) => ({
    filter: config.filter?.trim() ? compileField('filter', config.filter) : null,
    correlate: (config.correlate ?? 'userId').trim()
      ? compileField('correlate', config.correlate ?? 'userId')
      : null,
    timeoutMs: config.timeout === undefined || config.timeout === '' ? null : parseDuration(config.timeout),
  }),
  execute: (p, ctx) =>
    andThen(correlationKey(p, ctx.scope.event), (key) => {
      if (key === null) {
        throw new Error(
          `correlate (${p.correlate?.expr.text}) gives nothing for this run's event, so no event could match it`,
        )
      }
      return {
        output: null,
        waitFor: { kind: 'event', key, until: p.timeoutMs === null ? null : ctx.now() + p.timeoutMs },
      }
    }),
  // A mock is the event that arrived, unless it says it timed out.
  branchOf: (_p, output) =>
    (output as { timedOut?: unknown } | null)?.timedOut === true ? TIMEOUT : RECEIVED,
}
