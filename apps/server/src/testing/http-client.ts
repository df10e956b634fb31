/** Minimal tRPC-over-HTTP calls for tests (no transformer: plain JSON on the wire). */
export async function trpcHttp<T = unknown>(
  baseUrl: string,
  path: string,
  input: unknown,
  opts: { cookie?: string; type?: 'query' | 'mutation' } = {},
): Promise<T> {
  const headers: Record<string, string> = {}
  if (opts.cookie) headers.cookie = opts.cookie
  const res =
    opts.type === 'query'
      ? await fetch(`${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(`${baseUrl}/trpc/${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        })
  const json = (await res.json()) as {
    result?: { data: T }
    error?: { message: string; data?: { code?: string } }
  }
  if (json.error)
    throw Object.assign(new Error(json.error.message), { code: json.error.data?.code, status: res.status })
  return json.result!.data
}

export function segmentEvent(messageId: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'track',
    event: 'Order Completed',
    messageId,
    userId: `user-${messageId}`,
    timestamp: new Date().toISOString(),
    properties: { orderId: messageId, total: 42 },
    context: { traits: { email: 'someone@example.com', preferred_channel: 'email' } },
    ...extra,
  }
}
