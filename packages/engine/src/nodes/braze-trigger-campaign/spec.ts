import { z } from 'zod'
import { brazeConnection, brazeConnectionShape, externalUserIdField } from '../shared/braze-config'
import type { NodeSpec } from '../spec'

export const brazeTriggerCampaignConfigSchema = z.object({
  ...brazeConnectionShape,
  campaignId: z.string().default('').describe('API-triggered campaign id from the Braze dashboard'),
  externalUserId: externalUserIdField,
  triggerProperties: z
    .record(z.string(), z.string())
    .default({})
    .describe('trigger_properties for the campaign template: name → JSONata'),
})
export type BrazeTriggerCampaignConfig = z.infer<typeof brazeTriggerCampaignConfigSchema>

export const brazeTriggerCampaignSpec: NodeSpec<BrazeTriggerCampaignConfig> = {
  id: 'braze-trigger-campaign',
  title: 'Braze: trigger campaign',
  category: 'messaging',
  icon: 'M22 2 11 13M22 2l-7 20-4-9-9-4z',
  description:
    'POST /campaigns/trigger/send: triggers an API-triggered campaign with trigger properties, through a Braze connection (50 recipients per call; more are sent in batches).',
  shape: 'rectangle',
  configSchema: brazeTriggerCampaignConfigSchema,
  defaultConfig: {
    connectionId: '',
    timeoutMs: 15_000,
    campaignId: '',
    externalUserId: 'event.userId',
    triggerProperties: {},
  },
  sideEffect: true,
  // What a mock starts from (DESIGN §4: the HTTP node's output shape).
  exampleOutput: { status: 201, headers: {}, body: { message: 'success' } },
  expressionFields: ['externalUserId', 'triggerProperties'],
  connection: brazeConnection,
  errorHandling: true,
}
