import type { IncomingMessage, ServerResponse } from 'node:http'
import { recommend } from '../services/engine'
import { BodyTooLarge, readBody } from './body'
import { sendJson } from './respond'

/**
 * The built-in stand-in for the personalization template's recommendation API (n8). The
 * answer itself is the engine's deterministic `recommend`, so server, CLI and the
 * template's sample events agree on who lands above the 0.7 threshold.
 */
export async function handleDemoRecommender(
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  if (req.method === 'GET') {
    const q = Object.fromEntries(query)
    return sendJson(
      res,
      200,
      recommend({ ...q, intent: { kind: q.kind }, limit: q.limit ? Number(q.limit) : undefined }),
    )
  }
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'Use GET or POST' }, { allow: 'GET, POST' })
  let body: unknown
  try {
    const raw = await readBody(req, 256 * 1024)
    body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'))
  } catch (err) {
    if (err instanceof BodyTooLarge)
      return sendJson(res, 413, { error: 'Too large' }, { connection: 'close' })
    return sendJson(res, 400, { error: 'Body is not valid JSON' })
  }
  sendJson(res, 200, recommend(body))
}
