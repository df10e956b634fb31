import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Services } from '../services'
import { MAX_JSON_DEPTH, nestedDeeperThan, tooDeepMessage } from '../services/json-limits'
import type { SourceMessage } from '../services/sources'
import { BodyTooLarge, readBody } from './body'
import { eventIsForWorkflow } from './event-filter'
import { sendJson } from './respond'
import { RETRY_AFTER } from './webhook'

/**
 * Segment's HTTP Tracking API (DESIGN §6, contract): apps using Segment's libraries point
 * `host` at Flowline and send here. Limits and answers are Segment's: 32 KB a call, 500 KB
 * a batch, 400 with a reason (a batch is accepted whole or refused naming its bad message),
 * 401 for an unknown write key, 200 {"success":true} once every run is committed.
 */

export const TRACKING_PATH = /^\/v1\/(track|identify|page|screen|group|alias|batch|[tipsgab])\/?$/
/** analytics.js shortens the paths: /v1/t is track, /v1/b batch … */
const SHORT: Record<string, string> = {
  t: 'track',
  i: 'identify',
  p: 'page',
  s: 'screen',
  g: 'group',
  a: 'alias',
  b: 'batch',
}
export const trackingKind = (segment: string): string => SHORT[segment] ?? segment

/** Browsers (analytics.js) send from any site: write keys are public, so any origin may post. */
export function allowBrowsers(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*')
  res.setHeader('access-control-allow-methods', 'POST, OPTIONS')
  res.setHeader('access-control-allow-headers', 'authorization, content-type')
  res.setHeader('access-control-max-age', '86400')
}
export const MESSAGE_MAX_BYTES = 32 * 1024
export const BATCH_MAX_BYTES = 500 * 1024

const TYPES = new Set(['track', 'identify', 'page', 'screen', 'group', 'alias'])

type Message = Record<string, unknown>

class Refused extends Error {
  constructor(
    message: string,
    readonly index?: number,
  ) {
    super(message)
  }
}

const isObject = (v: unknown): v is Message => typeof v === 'object' && v !== null && !Array.isArray(v)
const present = (v: unknown) => (typeof v === 'string' && v !== '') || typeof v === 'number'

/** What Segment requires of each call type; null when the message is fine. */
function problemOf(m: Message): string | null {
  const type = m.type
  if (typeof type !== 'string' || !TYPES.has(type))
    return `type must be one of track, identify, page, screen, group, alias (got ${JSON.stringify(type) ?? 'nothing'})`
  if (type === 'alias') {
    if (!present(m.userId) || !present(m.previousId)) return 'alias needs userId and previousId'
    return null
  }
  if (!present(m.userId) && !present(m.anonymousId)) return `${type} needs userId or anonymousId`
  if (type === 'track' && (typeof m.event !== 'string' || m.event === '')) return 'track needs an event name'
  if (type === 'group' && !present(m.groupId)) return 'group needs a groupId'
  if (m.messageId !== undefined && typeof m.messageId !== 'string') return 'messageId must be a string'
  return null
}

/** The write key: HTTP Basic user name (Segment's libraries), else `writeKey` in the body. */
function writeKeyOf(req: IncomingMessage, body: Message): string | null {
  const auth = req.headers.authorization
  if (auth?.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8')
    const user = decoded.split(':')[0]
    if (user) return user
  }
  return typeof body.writeKey === 'string' && body.writeKey !== '' ? body.writeKey : null
}

/** The messages of a call, checked, in Segment's shape with what the server adds (receivedAt, a messageId). */
function messagesOf(kind: string, body: Message, newMessageId: () => string): Message[] {
  let list: unknown[]
  if (kind === 'batch') {
    if (!Array.isArray(body.batch)) throw new Refused('a batch needs "batch": an array of messages')
    list = body.batch
  } else {
    list = [{ ...body, type: kind }]
  }
  const receivedAt = new Date().toISOString()
  return list.map((raw, i) => {
    const where = kind === 'batch' ? `batch[${i}]: ` : ''
    if (!isObject(raw)) throw new Refused(`${where}a message must be a JSON object`, i)
    if (kind === 'batch' && Buffer.byteLength(JSON.stringify(raw)) > MESSAGE_MAX_BYTES)
      throw new Refused(`${where}message larger than 32 KB`, i)
    const problem = problemOf(raw)
    if (problem) throw new Refused(`${where}${problem}`, i)
    const { writeKey: _key, ...message } = raw
    // A batch's own context and integrations apply to messages that have none (as Segment does).
    if (kind === 'batch') {
      if (message.context === undefined && isObject(body.context)) message.context = body.context
      if (message.integrations === undefined && isObject(body.integrations))
        message.integrations = body.integrations
    }
    if (typeof message.messageId !== 'string' || message.messageId === '') message.messageId = newMessageId()
    message.receivedAt = receivedAt
    return message
  })
}

function summaryOf(m: Message): string {
  const who = String(m.userId ?? m.anonymousId ?? '')
  const what =
    m.type === 'track'
      ? String(m.event)
      : m.type === 'page' || m.type === 'screen'
        ? String(m.name ?? '')
        : ''
  return [m.type, what].filter(Boolean).join(' ') + (who ? ` · ${who}` : '')
}

type Source = NonNullable<Awaited<ReturnType<Services['sources']['byWriteKey']>>>

export function createTrackingApiHandler(services: Services) {
  return async function handleTracking(
    req: IncomingMessage,
    res: ServerResponse,
    kind: string,
  ): Promise<void> {
    const limit = kind === 'batch' ? BATCH_MAX_BYTES : MESSAGE_MAX_BYTES
    let raw: Buffer
    try {
      raw = await readBody(req, limit)
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err
      // Segment answers an oversized request with 400 (its libraries do not retry it).
      const error = kind === 'batch' ? 'Batch larger than 500 KB' : 'Message larger than 32 KB'
      return sendJson(res, 400, { success: false, error }, { connection: 'close' })
    }
    let body: unknown
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch {
      return sendJson(res, 400, { success: false, error: 'Body is not valid JSON' })
    }
    if (!isObject(body)) return sendJson(res, 400, { success: false, error: 'Body must be a JSON object' })
    // A batch's messages sit one level down; each may nest as deep as a single call's.
    if (nestedDeeperThan(body, MAX_JSON_DEPTH + (kind === 'batch' ? 2 : 0)))
      return sendJson(res, 400, { success: false, error: tooDeepMessage('The body') })

    const writeKey = writeKeyOf(req, body)
    const source = writeKey ? await services.sources.byWriteKey(writeKey) : null
    if (!source)
      return sendJson(
        res,
        401,
        { success: false, error: 'Unknown write key: send a source’s write key as the Basic auth user name' },
        { 'www-authenticate': 'Basic realm="Flowline sources"' },
      )

    let messages: Message[]
    try {
      messages = messagesOf(kind, body, services.sources.newMessageId)
    } catch (err) {
      if (!(err instanceof Refused)) throw err
      return sendJson(res, 400, {
        success: false,
        error: err.message,
        ...(err.index !== undefined && kind === 'batch' ? { index: err.index } : {}),
      })
    }
    // A full backlog: wait for room (intake-gate.ts), then say so.
    const runs = messages.length * source.workflows.length
    const bytes = raw.length * source.workflows.length
    const pass =
      runs > 0 ? await services.intake.enter(runs, bytes, (giveUp) => res.once('close', giveUp)) : null
    if (runs > 0 && !pass)
      return sendJson(res, 503, { success: false, error: 'Too many runs queued; retry later' }, RETRY_AFTER)
    try {
      await record(source, messages)
    } finally {
      pass?.leave()
    }
    sendJson(res, 200, { success: true })
  }

  async function record(source: Source, messages: Message[]): Promise<void> {
    const recorded: SourceMessage[] = messages.map((m) => ({
      messageId: m.messageId as string,
      type: m.type as string,
      summary: summaryOf(m),
      runs: [],
    }))
    const items: { workflowId: string; version: number; event: unknown; messageId: string; index: number }[] =
      []
    for (const wf of source.workflows) {
      // Runs waiting at a wait-for-event step for these messages go on, as with the webhook.
      await services.waitingRuns.deliverMany(wf.id, messages)
      for (let i = 0; i < messages.length; i++) {
        const event = messages[i]
        if (!(await eventIsForWorkflow(services, wf.id, wf.version, event))) continue
        items.push({
          workflowId: wf.id,
          version: wf.version,
          event,
          messageId: event.messageId as string,
          index: i,
        })
      }
    }
    const runIds = await services.runs.acceptMessages(items)
    items.forEach((item, k) => {
      const runId = runIds[k]
      if (runId) recorded[item.index].runs.push({ workflowId: item.workflowId, runId })
    })
    await services.sources.remember(source.id, recorded)
  }
}
