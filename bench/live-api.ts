/**
 * The HTTP side of bench/live.ts: tRPC over fetch (plain JSON, no transformer) and run
 * records read through runs.list, so the benchmark needs nothing but the server's public API.
 */

export class Api {
  private cookie = ''
  constructor(readonly url: string) {}

  async login(email: string, password: string): Promise<void> {
    const res = await this.send('auth.login', { email, password })
    this.cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    await this.unwrap(res, 'auth.login')
  }

  async mutate<T>(path: string, input: unknown): Promise<T> {
    return this.unwrap<T>(await this.send(path, input), path)
  }

  async query<T>(path: string, input: unknown): Promise<T> {
    const res = await fetch(`${this.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
      headers: { cookie: this.cookie },
    })
    return this.unwrap<T>(res, path)
  }

  private send(path: string, input: unknown): Promise<Response> {
    return fetch(`${this.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.cookie },
      body: JSON.stringify(input),
    })
  }

  private async unwrap<T>(res: Response, path: string): Promise<T> {
    const json = (await res.json()) as { result?: { data: T }; error?: { message: string } }
    if (json.error || !json.result) throw new Error(`${path}: ${json.error?.message ?? res.status}`)
    return json.result.data
  }
}

export interface RunRecord {
  id: string
  status: string
  messageId: string | null
  startedAt: string
  finishedAt: string | null
  error: string | null
}

/** Anything else ('running', 'queued', 'waiting', …) is still in progress. */
export const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'interrupted'])
const PAGE = 1000

/**
 * Every run of a workflow. runs.list returns the newest `limit` by started_at; page back with
 * `to` = the oldest start seen (inclusive, so deduplicate by id).
 */
export async function allRuns(api: Api, workflowId: string): Promise<RunRecord[]> {
  const byId = new Map<string, RunRecord>()
  let to: string | undefined
  for (;;) {
    const page = await api.query<RunRecord[]>('runs.list', { workflowId, limit: PAGE, ...(to ? { to } : {}) })
    const before = byId.size
    for (const run of page) byId.set(run.id, run)
    if (page.length < PAGE || byId.size === before) break
    to = page[page.length - 1].startedAt
  }
  return [...byId.values()]
}

/**
 * Waits until no run of the workflow is unfinished: polls the cheap status filters the
 * server accepts (one row each), then confirms on the full listing.
 */
export async function waitAllFinished(
  api: Api,
  workflowId: string,
  /** Called whenever the status polls say idle, before the (costlier) full listing confirms it. */
  onIdle?: () => Promise<void> | void,
  timeoutMs = 600_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const statuses = new Set(['running', 'queued', 'waiting'])
  while (Date.now() < deadline) {
    let busy = false
    for (const status of [...statuses]) {
      try {
        const rows = await api.query<RunRecord[]>('runs.list', { workflowId, status, limit: 1 })
        if (rows.length > 0) busy = true
      } catch {
        statuses.delete(status) // this server version has no such status
      }
    }
    if (!busy) {
      await onIdle?.()
      if ((await allRuns(api, workflowId)).every((r) => FINISHED.has(r.status))) return
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`runs of ${workflowId} still unfinished after ${timeoutMs / 1000} s`)
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export interface PhaseFigures {
  total: number
  finished: number
  succeeded: number
  failed: number
  /** First accept → last finish. */
  spanS: number
  perSecond: number
  p50: number
  p99: number
  firstError: string | null
}

/** The runs whose messageId carries `phase` (bench/live-load.ts tags them). */
const ofPhase = (runs: RunRecord[], phase: string) =>
  runs.filter((r) => r.messageId?.startsWith(`live-${phase}-`))

/** Webhook → finished, of a finished run. */
const latencyMs = (r: RunRecord) => Date.parse(r.finishedAt!) - Date.parse(r.startedAt)

/** Slow runs accepted within this long of each other count as one burst. */
export const BURST_GAP_MS = 100

export interface SlowBurst {
  /** When its first run was accepted, from the phase's first accept. */
  atS: number
  runs: number
  maxMs: number
}

/**
 * Where the slowest 1 % of a phase's runs (those at or above its p99) were accepted, grouped
 * into bursts. A few bursts mean the p99 is made by pauses (a full GC, the machine), many
 * spread-out ones by the steady cost of a run; the worst first.
 */
export function slowBursts(runs: RunRecord[], phase: string): SlowBurst[] {
  const mine = ofPhase(runs, phase).filter((r) => r.finishedAt)
  if (mine.length === 0) return []
  const first = Math.min(...mine.map((r) => Date.parse(r.startedAt)))
  const timed = mine.map((r) => ({ at: Date.parse(r.startedAt) - first, ms: latencyMs(r) }))
  const p99 = percentile(
    timed.map((t) => t.ms).sort((a, b) => a - b),
    99,
  )
  const slow = timed.filter((t) => t.ms >= p99).sort((a, b) => a.at - b.at)
  const bursts: SlowBurst[] = []
  let lastAt = Number.NEGATIVE_INFINITY
  for (const t of slow) {
    const open = bursts[bursts.length - 1]
    if (open && t.at - lastAt <= BURST_GAP_MS) {
      open.runs++
      open.maxMs = Math.max(open.maxMs, t.ms)
    } else bursts.push({ atS: t.at / 1000, runs: 1, maxMs: t.ms })
    lastAt = t.at
  }
  return bursts.sort((a, b) => b.runs - a.runs || b.maxMs - a.maxMs)
}

/** Where the slowest run of a phase spent its time, from its stored trace. */
export interface SlowestRun {
  ms: number
  /** Accepted → its first step started: waiting to be stored and handed to a run thread. */
  beforeFirstStepMs: number
  /** The longest wait between two steps, and the step it held up (checkpoint commits, calls). */
  longestGapMs: number
  gapBefore: string
}

export async function slowestRun(api: Api, runs: RunRecord[], phase: string): Promise<SlowestRun | null> {
  const done = ofPhase(runs, phase).filter((r) => r.finishedAt)
  if (done.length === 0) return null
  const run = done.reduce((a, b) => (latencyMs(b) > latencyMs(a) ? b : a))
  const { events } = await api.query<{ events: { type: string; nodeId?: string; at?: string }[] }>(
    'runs.get',
    { runId: run.id },
  )
  const started = events.filter((e) => e.type === 'node.started' && e.at)
  const accepted = Date.parse(run.startedAt)
  let last = started.length > 0 ? Date.parse(started[0].at!) : accepted
  const slowest = { ms: latencyMs(run), beforeFirstStepMs: last - accepted, longestGapMs: 0, gapBefore: '' }
  for (const e of started.slice(1)) {
    const at = Date.parse(e.at!)
    if (at - last > slowest.longestGapMs)
      Object.assign(slowest, { longestGapMs: at - last, gapBefore: e.nodeId ?? '' })
    last = at
  }
  return slowest
}

/** Throughput and webhook → finished latency of the runs whose messageId carries `phase`. */
export function phaseFigures(runs: RunRecord[], phase: string): PhaseFigures {
  const mine = ofPhase(runs, phase)
  const done = mine.filter((r) => FINISHED.has(r.status) && r.finishedAt)
  const latencies = done.map(latencyMs).sort((a, b) => a - b)
  const first = Math.min(...mine.map((r) => Date.parse(r.startedAt)))
  const last = Math.max(...done.map((r) => Date.parse(r.finishedAt!)))
  const spanS = done.length > 0 ? (last - first) / 1000 : Number.NaN
  const failed = done.filter((r) => r.status !== 'succeeded')
  return {
    total: mine.length,
    finished: done.length,
    succeeded: done.length - failed.length,
    failed: failed.length,
    spanS,
    perSecond: done.length / spanS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    firstError: failed[0]?.error ?? null,
  }
}
