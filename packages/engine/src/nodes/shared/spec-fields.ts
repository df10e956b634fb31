import { z } from 'zod'

/**
 * Config fields several node types share, importable by spec files (no executor code).
 *
 * Error handling (like Make's error handlers) is a common field set spread into the config
 * schema of each type whose step can fail at run time (HTTP, Braze, transform), so the
 * inspector form, validation and notation treat it like any other setting:
 * - `onError: "fail"` (default) fails the run, as before;
 * - `"retry"` runs the step again up to `retries` more times, waiting a little longer each time;
 * - `"continue"` records `{error: {message, nodeId, attempts}}` as the step's output and follows
 *   the step's outgoing edges labelled `error` instead of its normal ones.
 * An edge labelled `error` leaving a non-decision step is only ever taken this way.
 */
export const errorHandlingShape = {
  onError: z
    .enum(['fail', 'retry', 'continue'])
    .optional()
    .describe(
      'When the step fails: fail the run (default), retry it, or continue along its outgoing edge labelled "error" (the error becomes its output)',
    ),
  retries: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe('With onError "retry": how many more times the step may run (default 2)'),
}

/** Defaults of the error-handling fields, applied by the executor's plan. */
export const DEFAULT_ON_ERROR = 'fail'
export const DEFAULT_RETRIES = 2

export type OnError = 'fail' | 'retry' | 'continue'

/** The label that marks an edge as a step's error branch. */
export const ERROR_EDGE_LABEL = 'error'

export function isErrorLabel(label: string | undefined): boolean {
  return label !== undefined && label.trim().toLowerCase() === ERROR_EDGE_LABEL
}

/** A reference to a connection (see shared/connections.ts); the id, never the secret. */
export function connectionIdField(description: string) {
  return z.string().default('').describe(description)
}
