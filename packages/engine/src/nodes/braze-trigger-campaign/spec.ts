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
  icon: '📣',
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
  expressionFields: ['externalUserId', 'triggerProperties'],
  connection: brazeConnection,
  errorHandling: true,
}
