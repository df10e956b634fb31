import { BRAZE_RECIPIENT_LIMIT, callBraze, chunk, dryDispatchId, userIds } from '../shared/braze'
import {
  compileField,
  compileTemplate,
  evalField,
  evalTemplate,
  type Field,
  type TemplateField,
} from '../shared/fields'
import { all, andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import type { BrazeSendMessageConfig } from './spec'

interface PreparedSend {
  config: BrazeSendMessageConfig
  externalUserId: Field
  /** email: subject, body — push: title, alert */
  texts: TemplateField[]
}

function required(
  config: BrazeSendMessageConfig,
  fields: ('from' | 'subject' | 'body' | 'title' | 'alert')[],
) {
  for (const f of fields)
    if (config[f].trim() === '') throw new Error(`${f} is empty (needed for ${config.channel})`)
}

/** Braze's messaging objects: one email, or the same push for iOS and Android. */
function messages(config: BrazeSendMessageConfig, texts: string[]): Record<string, unknown> {
  const appId = config.appId === '' ? {} : { app_id: config.appId }
  if (config.channel === 'email') {
    return { email: Object.assign({}, appId, { from: config.from, subject: texts[0], body: texts[1] }) }
  }
  const [title, alert] = texts
  return {
    apple_push: Object.assign({}, appId, { alert: { title, body: alert } }),
    android_push: Object.assign({}, appId, { title, alert }),
  }
}

export const brazeSendMessageExecutor: NodeExecutor<BrazeSendMessageConfig, PreparedSend> = {
  prepare: (config) => {
    const names = config.channel === 'email' ? (['subject', 'body'] as const) : (['title', 'alert'] as const)
    required(config, config.channel === 'email' ? ['from', ...names] : [...names])
    if (config.channel === 'email' && config.appId.trim() === '')
      throw new Error('appId is empty (Braze needs it for email)')
    return {
      config,
      externalUserId: compileField('externalUserId', config.externalUserId),
      texts: names.map((n) => compileTemplate(n, config[n])),
    }
  },
  execute: (p, ctx) => {
    const parts: unknown[] = [evalField(p.externalUserId, ctx.scope)]
    for (const t of p.texts) parts.push(evalTemplate(t, ctx.scope))
    return andThen(all(parts), ([rawIds, ...texts]) => {
      const message = messages(p.config, texts as string[])
      return callBraze(ctx, {
        connectionId: p.config.connectionId,
        path: '/messages/send',
        timeoutMs: p.config.timeoutMs,
        bodies: chunk(userIds(rawIds), BRAZE_RECIPIENT_LIMIT).map((ids) => {
          const body: Record<string, unknown> = { external_user_ids: ids }
          if (p.config.campaignId) body.campaign_id = p.config.campaignId
          body.messages = message
          return body
        }),
        dryAnswer: (_b, batch) => ({ dispatch_id: dryDispatchId(ctx, batch) }),
      })
    })
  },
}
