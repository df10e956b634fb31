import { BRAZE_RECIPIENT_LIMIT, callBraze, chunk, dryDispatchId, userIds } from '../shared/braze'
import { compileField, compileMapping, evalField, evalMapping, type Field } from '../shared/fields'
import { all, andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import type { BrazeTriggerCampaignConfig } from './spec'

interface PreparedTrigger {
  connectionId: string
  timeoutMs: number
  campaignId: string
  externalUserId: Field
  triggerProperties: Field[]
}

export const brazeTriggerCampaignExecutor: NodeExecutor<BrazeTriggerCampaignConfig, PreparedTrigger> = {
  prepare: (config) => {
    if (config.campaignId.trim() === '') throw new Error('campaignId is empty')
    return {
      connectionId: config.connectionId,
      timeoutMs: config.timeoutMs,
      campaignId: config.campaignId,
      externalUserId: compileField('externalUserId', config.externalUserId),
      triggerProperties: compileMapping('triggerProperties', config.triggerProperties),
    }
  },
  execute: (p, ctx) =>
    andThen(
      all([evalField(p.externalUserId, ctx.scope), evalMapping(p.triggerProperties, ctx.scope)]),
      ([rawIds, properties]) => {
        const recipients = userIds(rawIds).map((id) => {
          const recipient: Record<string, unknown> = { external_user_id: id }
          if (p.triggerProperties.length > 0) recipient.trigger_properties = properties
          return recipient
        })
        return callBraze(ctx, {
          connectionId: p.connectionId,
          path: '/campaigns/trigger/send',
          timeoutMs: p.timeoutMs,
          bodies: chunk(recipients, BRAZE_RECIPIENT_LIMIT).map((part) => ({
            campaign_id: p.campaignId,
            recipients: part,
          })),
          dryAnswer: (_b, batch) => ({ dispatch_id: dryDispatchId(ctx, batch) }),
        })
      },
    ),
}
