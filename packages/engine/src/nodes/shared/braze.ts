import type { RecordedRequest } from '../../run/trace'
import type { ExecuteContext, MaybePromise, StepOutcome } from '../types'
import { joinUrl, requireConnection } from './connections'
import {
  describeAnswer,
  type HttpCall,
  type HttpResult,
  IDEMPOTENCY_HEADER,
  idempotencyKey,
  isSuccess,
  recordRequest,
  sendRequest,
} from './http'
import { andThen } from './maybe'

/**
 * Where dry runs without a connection "send": Braze's default (US-01) REST endpoint, so the
 * recorded request reads like a real one (path, headers, body). Nothing is sent there.
 */
export const BRAZE_ENDPOINT_PLACEHOLDER = 'https://rest.iad-01.braze.com'

/** Braze's documented request limits: items per /users/track array, recipients per send. */
export const BRAZE_TRACK_LIMIT = 75
export const BRAZE_RECIPIENT_LIMIT = 50

interface BrazeAuth {
  endpoint: string
  apiKey: string
}

const placeholder: BrazeAuth = { endpoint: BRAZE_ENDPOINT_PLACEHOLDER, apiKey: '' }

/** The step's Braze credentials; a dry run without a usable connection records against the placeholder. */
function brazeAuth(ctx: ExecuteContext, connectionId: string): MaybePromise<BrazeAuth> {
  if (connectionId === '') {
    if (ctx.dryRun) return placeholder
    throw new Error('no Braze connection is selected: choose one in the step settings (connectionId)')
  }
  if (!ctx.resolveConnection) {
    if (ctx.dryRun) return placeholder
    throw new Error(`connections are not available here, so connection "${connectionId}" cannot send`)
  }
  return andThen(ctx.resolveConnection(connectionId), (resolved) => {
    const c = requireConnection(resolved, connectionId, 'braze')
    return { endpoint: c.config.restEndpoint, apiKey: c.secret }
  })
}

/** Items split into runs of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** A /users/track payload as requests with at most 75 attributes, events and purchases each. */
export function batchTrack(body: Partial<Record<'attributes' | 'events' | 'purchases', unknown[]>>) {
  const keys = (['attributes', 'events', 'purchases'] as const).filter((k) => (body[k]?.length ?? 0) > 0)
  const count = Math.max(1, ...keys.map((k) => Math.ceil(body[k]!.length / BRAZE_TRACK_LIMIT)))
  const batches: Record<string, unknown[]>[] = []
  for (let i = 0; i < count; i++) {
    const batch: Record<string, unknown[]> = {}
    for (const k of keys) {
      const part = body[k]!.slice(i * BRAZE_TRACK_LIMIT, (i + 1) * BRAZE_TRACK_LIMIT)
      if (part.length > 0) batch[k] = part
    }
    batches.push(batch)
  }
  return batches
}

/** One output for several batches: the last answer, its counters summed and dispatch ids listed. */
function mergeAnswers(results: HttpResult[]): HttpResult {
  if (results.length === 1) return results[0]
  const last = results[results.length - 1]
  const bodies = results.map(
    (r) => (r.body && typeof r.body === 'object' ? r.body : {}) as Record<string, unknown>,
  )
  const body: Record<string, unknown> = { ...bodies[bodies.length - 1] }
  for (const key of Object.keys(body)) {
    if (typeof body[key] === 'number')
      body[key] = bodies.reduce((sum, b) => sum + (typeof b[key] === 'number' ? (b[key] as number) : 0), 0)
  }
  const ids = bodies.map((b) => b.dispatch_id).filter((id): id is string => typeof id === 'string')
  if (ids.length > 0) {
    body.dispatch_id = ids[0]
    body.dispatch_ids = ids
  }
  body.batches = results.length
  return { status: last.status, headers: last.headers, body }
}

function brazeError(sent: Parameters<typeof describeAnswer>[0], path: string, batch: number, of: number) {
  const b = sent.result.body as { message?: unknown; errors?: unknown } | string
  const detail = typeof b === 'string' ? b.slice(0, 300) : JSON.stringify(b?.errors ?? b?.message ?? b)
  const where =
    of > 1 ? ` (batch ${batch} of ${of}${batch > 1 ? `; batches 1–${batch - 1} were sent` : ''})` : ''
  return new Error(`Braze ${describeAnswer(sent)} to POST ${path}${where}: ${detail}`)
}

export interface BrazeSend {
  connectionId: string
  path: string
  timeoutMs: number
  /** One request body per batch, in order. */
  bodies: Record<string, unknown>[]
  /** What Braze would answer to one batch, for dry runs (`message: "success"` is added). */
  dryAnswer: (body: Record<string, unknown>, batch: number) => Record<string, unknown>
}

/**
 * POST each batch to a Braze REST endpoint, in order, each with its own idempotency key; or
 * in a dry run record the requests and answer the way Braze does (201 with `"message":
 * "success"`), so downstream steps see a realistic shape.
 */
export function callBraze(ctx: ExecuteContext, send: BrazeSend): MaybePromise<StepOutcome> {
  return andThen(brazeAuth(ctx, send.connectionId), (auth) => {
    const url = joinUrl(auth.endpoint, send.path)
    const secrets = auth.apiKey === '' ? [] : [auth.apiKey]
    const calls: HttpCall[] = send.bodies.map((body, i) => ({
      method: 'POST',
      url,
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${auth.apiKey}`,
        [IDEMPOTENCY_HEADER]: idempotencyKey(ctx, i + 1),
      },
      body,
    }))
    const recorded: RecordedRequest[] = calls.map((c) => recordRequest(c, secrets, ['Authorization']))
    const outcome = (results: HttpResult[]): StepOutcome => ({
      output: mergeAnswers(results),
      request: recorded[0],
      ...(recorded.length > 1 ? { requests: recorded } : {}),
    })
    if (ctx.dryRun) {
      return outcome(
        send.bodies.map((body, i) => ({
          status: 201,
          headers: { 'content-type': 'application/json' },
          body: { ...send.dryAnswer(body, i + 1), message: 'success' },
        })),
      )
    }
    return (async () => {
      const results: HttpResult[] = []
      for (let i = 0; i < calls.length; i++) {
        const sent = await sendRequest(ctx, calls[i], {
          timeoutMs: send.timeoutMs,
          secrets,
          sensitiveHeaders: ['Authorization'],
        })
        if (sent.attempts > 1) recorded[i].attempts = sent.attempts
        if (!isSuccess(sent.result.status)) throw brazeError(sent, send.path, i + 1, calls.length)
        results.push(sent.result)
      }
      return outcome(results)
    })()
  })
}

/** Braze users of one step: `externalUserId` may give one id or a list of them. */
export function userIds(value: unknown): string[] {
  const ids = Array.isArray(value) ? value : [value]
  if (ids.length === 0 || ids.some((id) => typeof id !== 'string' || id === '')) {
    throw new Error(
      `externalUserId must be a non-empty string or a list of them, got ${JSON.stringify(value)?.slice(0, 200) ?? 'nothing'}`,
    )
  }
  return ids as string[]
}

/** A stable, obviously fake dispatch id for dry runs. */
export function dryDispatchId(ctx: ExecuteContext, batch = 1): string {
  return `dry-run-${ctx.runId}-${ctx.nodeId}${batch > 1 ? `-${batch}` : ''}`
}
