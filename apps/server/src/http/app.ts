import type { IncomingMessage, ServerResponse } from 'node:http'
import { createHTTPHandler } from '@trpc/server/adapters/standalone'
import type { Logger } from 'pino'
import { createContext } from '../context'
import type { Db } from '../db'
import { appRouter } from '../routers/_app'
import type { Services } from '../services'
import { handleDemoRecommender } from './demo-recommender'
import { securityHeaders, sendJson } from './respond'
import { createStaticHandler } from './static'
import { allowBrowsers, createTrackingApiHandler, TRACKING_PATH, trackingKind } from './tracking-api'
import { createWebhookHandler } from './webhook'

export interface HttpAppDeps {
  db: Db
  services: Services
  logger: Logger
  webDist: string
}

const HOOK = /^\/api\/hooks\/([^/]+)\/?$/
const DEMO = /^\/api\/demo\/recommend(ations)?\/?$/

/**
 * Why a state-changing request is refused as cross-site, or null. Browsers say where a
 * request comes from (`Sec-Fetch-Site`; older ones only `Origin`); only this origin itself
 * may change state. Requests that carry neither come from programs (curl, scripts, tests),
 * which a page cannot make a signed-in browser send, so they pass.
 */
export function crossSite(req: IncomingMessage): string | null {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `Cross-site request refused (Sec-Fetch-Site: ${site}): changes may only come from this app's own pages`
  const origin = req.headers.origin
  if (origin === undefined || site === 'same-origin') return null
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    return `Cross-site request refused (Origin: ${origin.slice(0, 100)})`
  }
  // Behind a proxy that rewrites Host, the forwarded host is the one the browser saw.
  const forwarded = process.env.FLOWLINE_TRUST_PROXY ? req.headers['x-forwarded-host'] : undefined
  const own = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() || req.headers.host
  return host === own
    ? null
    : `Cross-site request refused (Origin: ${origin.slice(0, 100)}): changes may only come from this app's own pages`
}

/** The single request listener: health, tRPC, webhooks, the demo recommender, then the web app. */
export function createHttpApp({ db, services, logger, webDist }: HttpAppDeps) {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: 4 * 1024 * 1024,
    createContext: (opts) => createContext({ db, services, logger }, opts),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        logger.error({ err: error.cause ?? error, path }, 'tRPC procedure failed')
    },
  })
  const webhook = createWebhookHandler(services)
  const tracking = createTrackingApiHandler(services)
  const serveStatic = createStaticHandler(webDist)

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { pathname } = url
    if (pathname === '/healthz') {
      if (!services.queueMode) return sendJson(res, 200, { ok: true })
      // Queue mode: the backlog and the workers Redis knows of; 503 when Redis does not answer.
      const status = await services.queueMode.status().catch(() => null)
      return sendJson(res, status ? 200 : 503, { ok: status !== null, ...status })
    }
    if (pathname.startsWith('/trpc/')) {
      if (req.method === 'POST') {
        // CSRF, three layers: the browser's own word on where the request comes from, a
        // JSON body (a cross-site form can only post text/plain without a CORS preflight,
        // which we never grant), and SameSite=Lax session cookies.
        const foreign = crossSite(req)
        if (foreign) return sendJson(res, 403, { error: foreign })
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
          return sendJson(res, 415, { error: 'tRPC mutations must be sent as application/json' })
      }
      return trpc(req, res)
    }
    const hook = HOOK.exec(pathname)
    if (hook) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'Use POST' }, { allow: 'POST' })
      return webhook(req, res, decodeURIComponent(hook[1]))
    }
    const call = TRACKING_PATH.exec(pathname)
    if (call) {
      allowBrowsers(res)
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end()
        return
      }
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'Use POST' }, { allow: 'POST' })
      return tracking(req, res, trackingKind(call[1]))
    }
    if (DEMO.test(pathname)) return handleDemoRecommender(req, res, url.searchParams)
    if (pathname.startsWith('/api/')) return sendJson(res, 404, { error: 'No such endpoint' })
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { error: 'Method not allowed' })
    return serveStatic(req, res, pathname)
  }

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now()
    securityHeaders(res)
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      sendJson(res, 400, { error: 'Bad URL' })
      return
    }
    res.on('finish', () => {
      if (url.pathname === '/healthz') return
      // The path only: query strings may carry tRPC inputs, which are not log material.
      logger.info(
        {
          method: req.method,
          path: url.pathname,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      )
    })
    route(req, res, url).catch((err) => {
      logger.error({ err, path: url.pathname }, 'request failed')
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' })
      else res.destroy()
    })
  }
}
