import type { RecordedRequest } from '../../run/trace'
import type { ExecuteContext, MaybePromise, StepOutcome } from '../types'
import { type HttpCall, isSuccess, recordRequest, sendRequest } from './http'

export interface BrazeConnection {
  restEndpoint: string
  apiKey: string
}

/** What a Braze node knows at prepare time: the URL and headers never change between runs. */
export interface BrazeTarget {
  path: string
  url: string
  headers: Record<string, string>
  /** The same headers as recorded in traces (the key masked). */
  recordedHeaders: Record<string, string>
  hasKey: boolean
}

const BRAZE_TIMEOUT_MS = 15_000

export function brazeTarget(conn: BrazeConnection, path: string): BrazeTarget {
  const url = `${conn.restEndpoint.trim().replace(/\/+$/, '')}${path}`
  if (!/^https?:\/\//i.test(url))
    throw new Error(`restEndpoint must start with https://, got "${conn.restEndpoint}"`)
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${conn.apiKey}` }
  // Shared by every recorded request of this node, so frozen.
  const recordedHeaders = Object.freeze(
    recordRequest({ method: 'POST', url, headers }, [conn.apiKey]).headers,
  )
  return { path, url, headers, recordedHeaders, hasKey: conn.apiKey !== '' }
}

/**
 * POST to a Braze REST endpoint, or in a dry run record the request and answer the way
 * Braze does (201 with `"message": "success"`), so downstream steps see a realistic shape.
 */
export function callBraze(
  ctx: ExecuteContext,
  target: BrazeTarget,
  body: unknown,
  dryAnswer: Record<string, unknown>,
): MaybePromise<StepOutcome> {
  const request: RecordedRequest = { method: 'POST', url: target.url, headers: target.recordedHeaders, body }
  if (ctx.dryRun) {
    dryAnswer.message = 'success'
    return {
      output: { status: 201, headers: { 'content-type': 'application/json' }, body: dryAnswer },
      request,
    }
  }
  if (!target.hasKey) throw new Error('no Braze REST API key is configured')
  const call: HttpCall = { method: 'POST', url: target.url, headers: target.headers, body }
  return sendRequest(ctx, call, BRAZE_TIMEOUT_MS).then((result) => {
    if (!isSuccess(result.status)) {
      const b = result.body as { message?: unknown; errors?: unknown } | string
      const detail = typeof b === 'string' ? b.slice(0, 300) : JSON.stringify(b?.errors ?? b?.message ?? b)
      throw new Error(`Braze answered ${result.status} to POST ${target.path}: ${detail}`)
    }
    return { output: result, request }
  })
}

/** A stable, obviously fake dispatch id for dry runs. */
export function dryDispatchId(ctx: ExecuteContext): string {
  return `dry-run-${ctx.runId}-${ctx.nodeId}`
}
