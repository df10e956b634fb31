import { z } from 'zod'
import { brazeConnectionShape, DEFAULT_BRAZE_ENDPOINT, externalUserIdField } from '../shared/braze-config'
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
  icon: '👤',
  description: 'POST /users/track: sets attributes and logs custom events on a Braze user profile.',
  shape: 'rectangle',
  configSchema: brazeUpdateProfileConfigSchema,
  defaultConfig: {
    restEndpoint: DEFAULT_BRAZE_ENDPOINT,
    apiKey: '',
    externalUserId: 'event.userId',
    attributes: {},
    events: [],
  },
  sideEffect: true,
  expressionFields: ['externalUserId', 'attributes', 'events'],
  secretFields: ['apiKey'],
}
