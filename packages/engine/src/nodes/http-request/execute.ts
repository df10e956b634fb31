import {
  compileField,
  compileTemplate,
  evalField,
  evalTemplate,
  type Field,
  type TemplateField,
} from '../shared/fields'
import { type HttpCall, type HttpResult, isSuccess, recordRequest, sendRequest } from '../shared/http'
import { all, andThen } from '../shared/maybe'
import type { ExecuteContext, MaybePromise, NodeExecutor, StepOutcome } from '../types'
import type { HttpRequestConfig } from './spec'

interface PreparedHttp {
  method: string
  url: TemplateField
  headers: { name: string; value: TemplateField }[]
  body: Field | null
  timeoutMs: number
  sideEffect: boolean
  failOnError: boolean
}

function finish(p: PreparedHttp, ctx: ExecuteContext, call: HttpCall): MaybePromise<StepOutcome> {
  if (!/^https?:\/\//i.test(call.url))
    throw new Error(`url must start with http:// or https://, got "${call.url}"`)
  const request = recordRequest(call)
  if (ctx.dryRun && p.sideEffect) {
    return { output: { status: 200, headers: {}, body: {} } satisfies HttpResult, request }
  }
  return sendRequest(ctx, call, p.timeoutMs).then((result) => {
    if (p.failOnError && !isSuccess(result.status)) {
      const detail = typeof result.body === 'string' ? result.body : JSON.stringify(result.body)
      throw new Error(
        `${call.method} ${request.url} answered ${result.status}: ${(detail ?? '').slice(0, 300)}`,
      )
    }
    return { output: result, request }
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
    ]
    for (const h of p.headers) parts.push(evalTemplate(h.value, ctx.scope))
    return andThen(all(parts), ([url, body, ...values]) => {
      const headers: Record<string, string> = {}
      p.headers.forEach((h, i) => {
        headers[h.name] = values[i] as string
      })
      return finish(p, ctx, { method: p.method, url: url as string, headers, body })
    })
  },
  sideEffect: (p) => p.sideEffect,
}
