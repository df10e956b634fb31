/** A running Flowline server as the browser benchmarks reach it: health and tRPC over fetch. */

export async function waitForHealth(url: string, ms: number) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`server at ${url} did not become healthy`)
}

export async function trpc(url: string, path: string, input: unknown, cookie?: string) {
  const res = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(input),
  })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return { body: (await res.json()) as { result: { data: unknown } }, cookie: res.headers.get('set-cookie') }
}
