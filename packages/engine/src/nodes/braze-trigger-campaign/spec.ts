import { z } from 'zod'
import { brazeConnectionShape, DEFAULT_BRAZE_ENDPOINT, externalUserIdField } from '../shared/braze-config'
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
    'POST /campaigns/trigger/send: triggers an API-triggered campaign for one user with trigger properties.',
  shape: 'rectangle',
  configSchema: brazeTriggerCampaignConfigSchema,
  defaultConfig: {
    restEndpoint: DEFAULT_BRAZE_ENDPOINT,
    apiKey: '',
    campaignId: '',
    externalUserId: 'event.userId',
    triggerProperties: {},
  },
  sideEffect: true,
  expressionFields: ['externalUserId', 'triggerProperties'],
  secretFields: ['apiKey'],
}
