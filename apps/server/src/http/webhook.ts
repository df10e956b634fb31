import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Services } from '../services'
import type { Pass } from '../services/intake-gate'
import { MAX_JSON_DEPTH, nestedDeeperThan, tooDeepMessage } from '../services/json-limits'
import type { HookTarget } from '../services/run-store/hot-queries'
import { BodyTooLarge, readBody } from './body'
import { eventIsForWorkflow } from './event-filter'
import { sendJson } from './respond'

export const WEBHOOK_MAX_BYTES = 1024 * 1024
/** Beyond the backlog limits (runs or bytes), deliveries get 503: Segment retries later, memory stays bounded. */
export const BACKLOG_FULL = { error: 'Too many runs queued; retry later' }
export const RETRY_AFTER = { 'retry-after': '5' }
const SMALL_REFUSED_BODY = 64 * 1024

export function signatureMatches(
  secret: string,
  body: Buffer,
  header: string | string[] | undefined,
): boolean {
  // Some senders prefix the algorithm ("sha1=…"); the digest itself must be 40 hex digits.
  const given = (Array.isArray(header) ? header[0] : header)?.trim().replace(/^sha1=/i, '')
  if (!given || !/^[0-9a-f]{40}$/i.test(given)) return false
  const expected = createHmac('sha1', secret).update(body).digest()
  return timingSafeEqual(expected, Buffer.from(given, 'hex'))
}

/**
 * The Segment webhook destination (DESIGN §6, contract). Checks run cheapest-first and
 * never reveal more than needed: the workflow must be live before its body is even read.
 */
export function createWebhookHandler(services: Services) {
  return async function handleWebhook(
    req: IncomingMessage,
    res: ServerResponse,
    workflowId: string,
  ): Promise<void> {
    const wf = await services.hot.hookTarget(workflowId)
    if (!wf || wf.published_version === null || wf.archived) {
      return sendJson(res, 404, { error: 'No published workflow with this id' })
    }

    // Full already: wait for room before reading (and holding) up to 1 MiB more; still full
    // after the wait, say so. A small body is discarded by Node after the answer and the
    // connection kept: a sender retrying on its keep-alive connection costs far less than one
    // reconnecting for every refusal.
    const pass = await services.intake.enter(1, 0, (giveUp) => res.once('close', giveUp))
    if (!pass) {
      const small = Number(req.headers['content-length']) <= SMALL_REFUSED_BODY
      return sendJson(res, 503, BACKLOG_FULL, small ? RETRY_AFTER : { ...RETRY_AFTER, connection: 'close' })
    }
    try {
      await accept(req, res, wf, wf.published_version, pass)
    } finally {
      pass.leave()
    }
  }

  async function accept(
    req: IncomingMessage,
    res: ServerResponse,
    wf: HookTarget,
    version: number,
    pass: Pass,
  ): Promise<void> {
    let body: Buffer
    try {
      body = await readBody(req, WEBHOOK_MAX_BYTES)
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        // Stop reading: the connection is closed after the answer instead of draining the rest.
        return sendJson(res, 413, { error: 'Payload larger than 1 MiB' }, { connection: 'close' })
      }
      throw err
    }

    if (wf.webhook_secret && !signatureMatches(wf.webhook_secret, body, req.headers['x-signature'])) {
      return sendJson(res, 401, { error: 'Bad or missing X-Signature' })
    }

    const text = body.toString('utf8')
    let event: unknown
    try {
      event = JSON.parse(text)
    } catch {
      return sendJson(res, 400, { error: 'Body is not valid JSON' })
    }
    if (!event || typeof event !== 'object' || Array.isArray(event)) {
      return sendJson(res, 400, { error: 'Body must be a JSON object (a Segment event)' })
    }
    if (nestedDeeperThan(event, MAX_JSON_DEPTH)) {
      return sendJson(res, 400, { error: tooDeepMessage('The event') })
    }

    // Runs waiting at a wait-for-event step for this event go on, whether or not it starts a run too.
    const resumed = await services.waitingRuns.deliver(wf.id, event, wf.event_waits)
    const also = resumed.length > 0 ? { resumed } : {}
    if (!(await eventIsForWorkflow(services, wf.id, version, event))) {
      return sendJson(res, 200, { skipped: true, ...also })
    }
    if (!pass.fits(text.length)) return sendJson(res, 503, BACKLOG_FULL, RETRY_AFTER)
    const raw = (event as { messageId?: unknown }).messageId
    const messageId = typeof raw === 'string' && raw !== '' ? raw : null
    const { runId, duplicate } = await services.runs.acceptWebhook(wf.id, version, event, messageId, text)
    sendJson(res, duplicate ? 200 : 202, { runId, ...also })
  }
}
