import { z } from 'zod'

export const DEFAULT_BRAZE_ENDPOINT = 'https://rest.iad-01.braze.com'

/**
 * Connection fields every Braze node carries until encrypted connections exist: the
 * instance's REST endpoint and a REST API key, which never reaches a trace.
 */
export const brazeConnectionShape = {
  restEndpoint: z
    .string()
    .default(DEFAULT_BRAZE_ENDPOINT)
    .describe('REST endpoint of your Braze instance, e.g. https://rest.iad-01.braze.com'),
  apiKey: z.string().default('').describe('Braze REST API key; masked in recorded requests'),
}

/** The Braze user: a JSONata expression, by default the Segment event's userId. */
export const externalUserIdField = z
  .string()
  .default('event.userId')
  .describe('JSONata for the Braze external_user_id')
