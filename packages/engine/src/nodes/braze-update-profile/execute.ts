import { type BrazeTarget, brazeTarget, callBraze } from '../shared/braze'
import { compileField, compileMapping, evalField, evalMapping, type Field } from '../shared/fields'
import { all, andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import type { BrazeUpdateProfileConfig } from './spec'

interface PreparedEvent {
  name: string
  properties: Field | null
  time: Field | null
}

interface PreparedUpdate {
  target: BrazeTarget
  externalUserId: Field
  attributes: Field[]
  events: PreparedEvent[]
}

export const brazeUpdateProfileExecutor: NodeExecutor<BrazeUpdateProfileConfig, PreparedUpdate> = {
  prepare: (config) => {
    if (Object.keys(config.attributes).length === 0 && config.events.length === 0) {
      throw new Error('set at least one attribute or event to send to Braze')
    }
    return {
      target: brazeTarget(config, '/users/track'),
      externalUserId: compileField('externalUserId', config.externalUserId),
      attributes: compileMapping('attributes', config.attributes),
      events: config.events.map((e, i) => ({
        name: e.name,
        properties: e.properties?.trim() ? compileField(`events[${i}].properties`, e.properties) : null,
        time: e.time?.trim() ? compileField(`events[${i}].time`, e.time) : null,
      })),
    }
  },
  execute: (p, ctx) => {
    const parts: unknown[] = [evalField(p.externalUserId, ctx.scope), evalMapping(p.attributes, ctx.scope)]
    for (const e of p.events) {
      parts.push(e.properties ? evalField(e.properties, ctx.scope) : undefined)
      parts.push(e.time ? evalField(e.time, ctx.scope) : undefined)
    }
    return andThen(all(parts), ([userId, attributes, ...eventParts]) => {
      if (typeof userId !== 'string' || userId === '') {
        throw new Error(
          `externalUserId must be a non-empty string, got ${JSON.stringify(userId) ?? 'nothing'}`,
        )
      }
      const body: Record<string, unknown> = {}
      const attrs = attributes as Record<string, unknown>
      if (p.attributes.length > 0) body.attributes = [{ external_id: userId, ...attrs }]
      if (p.events.length > 0) {
        body.events = p.events.map((e, i) => {
          const properties = eventParts[i * 2]
          const time = eventParts[i * 2 + 1] ?? new Date(ctx.now()).toISOString()
          const event: Record<string, unknown> = { external_id: userId, name: e.name, time }
          if (properties !== undefined) event.properties = properties
          return event
        })
      }
      return callBraze(ctx, p.target, body, {
        attributes_processed: p.attributes.length > 0 ? 1 : 0,
        events_processed: p.events.length,
      })
    })
  },
}
