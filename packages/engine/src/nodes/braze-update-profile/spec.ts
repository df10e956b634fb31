import { z } from 'zod'
import { brazeConnection, brazeConnectionShape, externalUserIdField } from '../shared/braze-config'
import type { NodeSpec } from '../spec'

export const brazeUpdateProfileConfigSchema = z.object({
  ...brazeConnectionShape,
  externalUserId: externalUserIdField,
  attributes: z
    .record(z.string(), z.string())
    .default({})
    .describe('Profile attributes: Braze attribute name → JSONata'),
  events: z
    .array(
      z.object({
        name: z.string().min(1).describe('Custom event name'),
        properties: z.string().optional().describe('JSONata building the event properties object'),
        time: z.string().optional().describe('JSONata for the ISO time; default: now on the run clock'),
      }),
    )
    .default([])
    .describe('Custom events to log on the profile'),
})
export type BrazeUpdateProfileConfig = z.infer<typeof brazeUpdateProfileConfigSchema>

export const brazeUpdateProfileSpec: NodeSpec<BrazeUpdateProfileConfig> = {
  id: 'braze-update-profile',
  title: 'Braze: update user profile',
  category: 'messaging',
  icon: 'M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2M12 3a4 4 0 1 0 0 8 4 4 0 1 0 0-8z',
  description:
    'POST /users/track: sets attributes and logs custom events on Braze user profiles, through a Braze connection (75 items per array and call; more are sent in batches).',
  shape: 'rectangle',
  configSchema: brazeUpdateProfileConfigSchema,
  defaultConfig: {
    connectionId: '',
    timeoutMs: 15_000,
    externalUserId: 'event.userId',
    attributes: {},
    events: [],
  },
  sideEffect: true,
  // What a mock starts from (DESIGN §4: the HTTP node's output shape).
  exampleOutput: { status: 201, headers: {}, body: { message: 'success' } },
  expressionFields: ['externalUserId', 'attributes', 'events'],
  connection: brazeConnection,
  errorHandling: true,
}
