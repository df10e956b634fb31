import { type BrazeTarget, brazeTarget, callBraze, dryDispatchId } from '../shared/braze'
import { compileField, compileMapping, evalField, evalMapping, type Field } from '../shared/fields'
import { all, andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import type { BrazeTriggerCampaignConfig } from './spec'

interface PreparedTrigger {
  campaignId: string
  target: BrazeTarget
  externalUserId: Field
  triggerProperties: Field[]
}

export const brazeTriggerCampaignExecutor: NodeExecutor<BrazeTriggerCampaignConfig, PreparedTrigger> = {
  prepare: (config) => {
    if (config.campaignId.trim() === '') throw new Error('campaignId is empty')
    return {
      campaignId: config.campaignId,
      target: brazeTarget(config, '/campaigns/trigger/send'),
      externalUserId: compileField('externalUserId', config.externalUserId),
      triggerProperties: compileMapping('triggerProperties', config.triggerProperties),
    }
  },
  execute: (p, ctx) =>
    andThen(
      all([evalField(p.externalUserId, ctx.scope), evalMapping(p.triggerProperties, ctx.scope)]),
      ([userId, properties]) => {
        if (typeof userId !== 'string' || userId === '') {
          throw new Error(
            `externalUserId must be a non-empty string, got ${JSON.stringify(userId) ?? 'nothing'}`,
          )
        }
        const recipient: Record<string, unknown> = { external_user_id: userId }
        if (p.triggerProperties.length > 0) recipient.trigger_properties = properties
        const body = { campaign_id: p.campaignId, recipients: [recipient] }
        return callBraze(ctx, p.target, body, { dispatch_id: dryDispatchId(ctx) })
      },
    ),
}
