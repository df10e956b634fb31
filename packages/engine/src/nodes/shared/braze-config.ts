import { z } from 'zod'
import { connectionIdField, errorHandlingShape } from './spec-fields'

/**
 * Fields every Braze node carries: which Braze connection to send through (the REST
 * endpoint and API key live in the connection, encrypted on the server, never in the
 * workflow), how long one call may take, and what to do when the step fails.
 */
export const brazeConnectionShape = {
  connectionId: connectionIdField(
    'The Braze connection (REST endpoint + API key) to send through; dry test runs work without one',
  ),
  timeoutMs: z.number().int().min(1).max(120_000).default(15_000).describe('Per call to Braze'),
  // onError: fail (default) | retry (with retries) | continue along the step's `error` edge.
  ...errorHandlingShape,
}

/** The Braze user(s): a JSONata expression, by default the Segment event's userId. */
export const externalUserIdField = z
  .string()
  .default('event.userId')
  .describe(
    'JSONata for the Braze external_user_id, or a list of ids to reach many users (sent in batches within Braze limits)',
  )

/** Braze node types and the connection they need, for the inspector's connection picker. */
export const brazeConnection = { field: 'connectionId', type: 'braze', required: true } as const
