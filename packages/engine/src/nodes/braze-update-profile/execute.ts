import { batchTrack, callBraze, userIds } from '../shared/braze'
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
  connectionId: string
  timeoutMs: number
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
      connectionId: config.connectionId,
      timeoutMs: config.timeoutMs,
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
    return andThen(all(parts), ([rawIds, attributes, ...eventParts]) => {
      const ids = userIds(rawIds)
      const attrs = attributes as Record<string, unknown>
      // The same attributes and events for every user; Braze takes 75 of each per request.
      const body: { attributes?: unknown[]; events?: unknown[] } = {}
      if (p.attributes.length > 0) body.attributes = ids.map((id) => ({ external_id: id, ...attrs }))
      if (p.events.length > 0) {
        body.events = ids.flatMap((id) =>
          p.events.map((e, i) => {
            const properties = eventParts[i * 2]
            const time = eventParts[i * 2 + 1] ?? new Date(ctx.now()).toISOString()
            const event: Record<string, unknown> = { external_id: id, name: e.name, time }
            if (properties !== undefined) event.properties = properties
            return event
          }),
        )
      }
      return callBraze(ctx, {
        connectionId: p.connectionId,
        path: '/users/track',
        timeoutMs: p.timeoutMs,
        bodies: batchTrack(body),
        dryAnswer: (b) => ({
          attributes_processed: (b.attributes as unknown[] | undefined)?.length ?? 0,
          events_processed: (b.events as unknown[] | undefined)?.length ?? 0,
        }),
      })
    })
  },
}
