import { compileField, evalField, type Field } from '../shared/fields'
import { andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import { parseDuration } from './duration'
import type { WaitConfig } from './spec'

type PreparedWait = { durationMs: number } | { until: Field }

function toEpoch(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string') {
    const t = Date.parse(value)
    if (!Number.isNaN(t)) return t
  }
  throw new Error(
    `until must give an ISO timestamp or epoch milliseconds, got ${JSON.stringify(value) ?? 'nothing'}`,
  )
}

/**
 * A wait only computes when the run may continue; the executor decides whether to
 * suspend (live) or advance the virtual clock (test runs). The output is filled in then.
 */
export const waitExecutor: NodeExecutor<WaitConfig, PreparedWait> = {
  prepare: (config) =>
    config.until !== undefined
      ? { until: compileField('until', config.until) }
      : { durationMs: parseDuration(config.duration!) },
  execute: (p, ctx) => {
    const start = ctx.now()
    if ('durationMs' in p) return { output: null, waitUntil: start + p.durationMs, waitFrom: start }
    return andThen(evalField(p.until, ctx.scope), (v) => ({
      output: null,
      waitUntil: Math.max(start, toEpoch(v)),
      waitFrom: start,
    }))
  },
}
