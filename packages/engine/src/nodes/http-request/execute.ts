import { type HttpConnectionConfig, joinUrl, requireConnection } from '../shared/connections'
import {
  compileField,
  compileTemplate,
  evalField,
  evalTemplate,
  type Field,
  type TemplateField,
} from '../shared/fields'
import {
  describeAnswer,
  type HttpCall,
  type HttpResult,
  IDEMPOTENCY_HEADER,
  idempotencyKey,
  isSuccess,
  recordRequest,
  sendRequest,
} from '../shared/http'
import { all, andThen } from '../shared/maybe'
import type { ExecuteContext, MaybePromise, NodeExecutor, StepOutcome } from '../types'
import type { HttpRequestConfig } from './spec'

interface PreparedHttp {
  method: string
  connectionId: string
  url: TemplateField
  headers: { name: string; value: TemplateField }[]
  body: Field | null
  timeoutMs: number
  sideEffect: boolean
  failOnError: boolean
}

interface HttpAuth {
  config: HttpConnectionConfig
  secret: string
}

/** Dry runs that only record a request do not need the real connection, just its shape. */
const placeholder: HttpAuth = {
  config: { baseUrl: 'https://http-connection.invalid', auth: 'none' },
  secret: '',
}

function connectionFor(p: PreparedHttp, ctx: ExecuteContext): MaybePromise<HttpAuth | null> {
  if (p.connectionId === '') return null
  if (!ctx.resolveConnection) {
    if (ctx.dryRun && p.sideEffect) return placeholder
    throw new Error(`connections are not available here, so connection "${p.connectionId}" cannot be used`)
  }
  return andThen(ctx.resolveConnection(p.connectionId), (resolved) => {
    const c = requireConnection(resolved, p.connectionId, 'http')
    return { config: c.config, secret: c.secret }
  })
}

/** With a connection, the url is a path below its base URL; an absolute url must stay below it too. */
function underBase(base: string, url: string): string {
  if (!/^https?:\/\//i.test(url)) return joinUrl(base, url)
  const b = base.trim().replace(/\/+$/, '')
  if (url === b || url.startsWith(`${b}/`) || url.startsWith(`${b}?`)) return url
  throw new Error(`url "${url}" is outside the connection's base URL ${b}: credentials only go there`)
}

const hasHeader = (headers: Record<string, string>, name: string) =>
  Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase())

function finish(
  p: PreparedHttp,
  ctx: ExecuteContext,
  call: HttpCall,
  auth: HttpAuth | null,
): MaybePromise<StepOutcome> {
  const secrets: string[] = []
  let sensitiveHeaders: string[] | undefined
  if (auth) {
    call.url = underBase(auth.config.baseUrl, call.url)
    const name =
      auth.config.auth === 'bearer'
        ? 'Authorization'
        : auth.config.auth === 'header'
          ? auth.config.headerName
          : ''
    if (name) {
      call.headers[name] = auth.config.auth === 'bearer' ? `Bearer ${auth.secret}` : auth.secret
      sensitiveHeaders = [name]
      if (auth.secret !== '') secrets.push(auth.secret)
    }
  }
  if (!/^https?:\/\//i.test(call.url))
    throw new Error(`url must start with http:// or https://, got "${call.url}"`)
  // Reads need no idempotency key; writes get one unless the author set their own.
  if (p.method !== 'GET' && p.method !== 'HEAD' && !hasHeader(call.headers, IDEMPOTENCY_HEADER))
    call.headers[IDEMPOTENCY_HEADER] = idempotencyKey(ctx)
  const request = recordRequest(call, secrets, sensitiveHeaders)
  if (ctx.dryRun && p.sideEffect) {
    return { output: { status: 200, headers: {}, body: {} } satisfies HttpResult, request }
  }
  return sendRequest(ctx, call, { timeoutMs: p.timeoutMs, secrets, sensitiveHeaders }).then((sent) => {
    if (sent.attempts > 1) request.attempts = sent.attempts
    if (p.failOnError && !isSuccess(sent.result.status)) {
      const b = sent.result.body
      const detail = (typeof b === 'string' ? b : JSON.stringify(b)) ?? ''
      const tail = detail === '' ? '' : `: ${detail.slice(0, 300)}`
      throw new Error(`${call.method} ${request.url} ${describeAnswer(sent)}${tail}`)
    }
    return { output: sent.result, request }
  })
}

export const httpRequestExecutor: NodeExecutor<HttpRequestConfig, PreparedHttp> = {
  prepare: (config) => {
    if (config.url.trim() === '') throw new Error('url is empty')
    const hasBody = config.body !== undefined && config.body.trim() !== ''
    if (hasBody && (config.method === 'GET' || config.method === 'HEAD')) {
      throw new Error(`a ${config.method} request cannot have a body`)
    }
    return {
      method: config.method,
      connectionId: config.connectionId?.trim() ?? '',
      url: compileTemplate('url', config.url),
      headers: Object.entries(config.headers).map(([name, value]) => ({
        name,
        value: compileTemplate(`headers.${name}`, value),
      })),
      body: hasBody ? compileField('body', config.body!) : null,
      timeoutMs: config.timeoutMs,
      sideEffect: config.sideEffect ?? !(config.method === 'GET' || config.method === 'HEAD'),
      failOnError: config.failOnError,
    }
  },
  execute: (p, ctx) => {
    const parts: unknown[] = [
      evalTemplate(p.url, ctx.scope),
      p.body ? evalField(p.body, ctx.scope) : undefined,
      connectionFor(p, ctx),
    ]
    for (const h of p.headers) parts.push(evalTemplate(h.value, ctx.scope))
    return andThen(all(parts), ([url, body, auth, ...values]) => {
      const headers: Record<string, string> = {}
      p.headers.forEach((h, i) => {
        headers[h.name] = values[i] as string
      })
      return finish(p, ctx, { method: p.method, url: url as string, headers, body }, auth as HttpAuth | null)
    })
  },
  sideEffect: (p) => p.sideEffect,
}
