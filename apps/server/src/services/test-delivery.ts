import { createHmac, randomUUID } from 'node:crypto'

export interface TestDelivery {
  /** The hook's HTTP answer: 202 a new run, 200 skipped by the start filter, 401/404 … refused. */
  status: number
  runId: string | null
  skipped: boolean
  error: string | null
}

/**
 * "Send test event": posts a sample event to the workflow's own webhook over HTTP, signed
 * like Segment signs (X-Signature: hex HMAC-SHA1 of the raw body) when a secret is set, so
 * the delivery takes exactly the path a real one takes. A fresh messageId keeps a resent
 * sample from being answered as a redelivery of the last one.
 */
export async function sendTestDelivery(opts: {
  serverUrl: string
  workflowId: string
  secret: string | null
  event: Record<string, unknown>
}): Promise<TestDelivery> {
  const body = JSON.stringify({ ...opts.event, messageId: `test-${randomUUID()}` })
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Flowline test delivery',
  }
  if (opts.secret) headers['x-signature'] = createHmac('sha1', opts.secret).update(body).digest('hex')
  const res = await fetch(`${opts.serverUrl}/api/hooks/${encodeURIComponent(opts.workflowId)}`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(10_000),
  })
  const answer = (await res.json().catch(() => ({}))) as { runId?: string; skipped?: boolean; error?: string }
  return {
    status: res.status,
    runId: answer.runId ?? null,
    skipped: answer.skipped === true,
    error: res.ok ? null : (answer.error ?? res.statusText),
  }
}
