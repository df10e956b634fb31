import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { TraceEvent } from '../engine'
import { withRunId } from '../run-store/stored-event'
import type { SeqEvent, TraceBus } from '../trace-bus'
import { redisConnection } from './redis'

/** A live run's stream outlives a lost close by a day at most. */
const OPEN_TTL_S = 24 * 3600
/** After close, late readers that already attached still find the end marker. */
const CLOSED_TTL_S = 60
const MAX_LEN = 20_000
const BLOCK_MS = 5_000
/** A stream that never appears (expired, or the opener died) ends the follower: the database takes over. */
const MISSING_GIVE_UP_MS = 10_000
/** Runs heard of through announcements are forgotten after this, should their close be lost. */
const LIVE_SWEEP_MS = 3600_000

// Reopens only a stream that ended (the next segment after a wait): a takeover of a run whose
// stream is still open (kill -9 of its worker) continues the same stream.
const OPEN_SCRIPT = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if last[1] and last[1][2][2] ~= 'close' then return 0 end
redis.call('DEL', KEYS[1])
redis.call('XADD', KEYS[1], '*', 'k', 'open')
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('PUBLISH', KEYS[2], ARGV[2])
return 1`

interface Follower {
  key: string
  lastId: string
  afterSeq: number
  missingSince: number
  push(entries: [string, string[]][] | null): void
}

/**
 * TraceBus over Redis Streams (queue mode): the worker executing a run XADDs its events to
 * `prefix:trace:runId`; API processes follow that stream for their SSE subscribers. One
 * blocking connection per process reads every followed stream (XREAD over many keys); a
 * new follower unblocks it so it starts at once. Which runs are live is known from this
 * process's own open() calls and from open/close announcements of the others (pub/sub).
 */
export class RedisTraceBus implements TraceBus {
  private readonly cmd: Redis
  private reader: Redis | null = null
  private readerId: number | null = null
  private announcements: Redis | null = null
  private readonly live = new Map<string, number>()
  private readonly followers = new Set<Follower>()
  private reading = false
  private stopped = false
  private readonly sweep: NodeJS.Timeout
  /** Serialized events per run, written at the end of the tick. */
  private readonly pending = new Map<string, string[]>()
  private flushTimer: NodeJS.Immediate | null = null

  constructor(
    private readonly opts: {
      url: string
      prefix: string
      logger?: Logger
      connection?: Redis
      /** Processes with subscribers (APIs) connect the reader up front: the first follower starts at once. */
      follow?: boolean
    },
  ) {
    this.cmd = opts.connection ?? redisConnection(opts.url, 'flowline-trace')
    if (opts.follow !== false) void this.connectReader().catch(() => {})
    this.sweep = setInterval(() => {
      const old = Date.now() - LIVE_SWEEP_MS
      for (const [runId, at] of this.live) if (at < old) this.live.delete(runId)
    }, 60_000)
    this.sweep.unref()
  }

  private key(runId: string) {
    return `${this.opts.prefix}:trace:${runId}`
  }

  private get channel() {
    return `${this.opts.prefix}:trace:live`
  }

  /** API processes: learn about runs opened and closed by others, so their subscribers go live too. */
  async listen(): Promise<void> {
    this.announcements = redisConnection(this.opts.url, 'flowline-trace-live')
    this.announcements.on('message', (_channel: string, msg: string) => {
      const runId = msg.slice(1)
      if (msg[0] === '+') this.live.set(runId, Date.now())
      else this.live.delete(runId)
    })
    await this.announcements.subscribe(this.channel)
  }

  open(runId: string): void {
    this.live.set(runId, Date.now())
    this.flush(runId)
    this.cmd
      .eval(OPEN_SCRIPT, 2, this.key(runId), this.channel, OPEN_TTL_S, `+${runId}`)
      .catch((err) => this.opts.logger?.warn({ err, runId }, 'trace stream not opened'))
  }

  publish(runId: string, firstSeq: number, stored: string): void {
    // Subscribers get events as the engine emitted them, runId included.
    const texts = (JSON.parse(stored) as TraceEvent[]).map(
      (event, i) => `{"seq":${firstSeq + i},"event":${JSON.stringify(withRunId(runId, event))}}`,
    )
    const batch = this.pending.get(runId)
    if (batch) batch.push(...texts)
    else this.pending.set(runId, texts)
    // A thread reports a run's events in batches: one stream entry per run and tick.
    this.flushTimer ??= setImmediate(() => this.flush())
  }

  private flush(runId?: string): void {
    const runs = runId === undefined ? [...this.pending.keys()] : [runId]
    if (runId === undefined) this.flushTimer = null
    for (const id of runs) {
      const batch = this.pending.get(id)
      if (!batch) continue
      this.pending.delete(id)
      this.cmd
        .xadd(this.key(id), 'MAXLEN', '~', MAX_LEN, '*', 'k', 'ev', 'd', `[${batch.join(',')}]`)
        .catch(() => {
          // Live tracing is best effort: the events are stored, and readers fall back to the database.
        })
    }
  }

  close(runId: string): void {
    this.live.delete(runId)
    this.flush(runId)
    const key = this.key(runId)
    this.cmd
      .multi()
      .xadd(key, '*', 'k', 'close')
      .expire(key, CLOSED_TTL_S)
      .publish(this.channel, `-${runId}`)
      .exec()
      .catch(() => {})
  }

  subscribe(runId: string, afterSeq: number, signal?: AbortSignal): AsyncIterable<SeqEvent> | null {
    if (!this.live.has(runId) || this.stopped) return null
    return this.follow(runId, afterSeq, signal)
  }

  private async *follow(runId: string, afterSeq: number, signal?: AbortSignal): AsyncGenerator<SeqEvent> {
    const inbox: SeqEvent[] = []
    let ended = false
    let wake: (() => void) | null = null
    const notify = () => {
      wake?.()
      wake = null
    }
    const follower: Follower = {
      key: this.key(runId),
      lastId: '0',
      afterSeq,
      missingSince: Date.now(),
      push: (entries) => {
        if (entries === null) ended = true
        for (const [id, fields] of entries ?? []) {
          follower.lastId = id
          follower.missingSince = 0
          const kind = fields[1]
          if (kind === 'close') ended = true
          if (kind !== 'ev' || ended) continue
          for (const item of JSON.parse(fields[3]) as SeqEvent[]) {
            // A worker taking over a run repeats the seqs its predecessor published but never stored.
            if (item.seq <= follower.afterSeq) continue
            follower.afterSeq = item.seq
            inbox.push(item)
          }
        }
        notify()
      },
    }
    const onAbort = () => notify()
    signal?.addEventListener('abort', onAbort)
    this.followers.add(follower)
    this.kick()
    try {
      while (!signal?.aborted) {
        while (inbox.length > 0) yield inbox.shift()!
        if (ended || this.stopped) return
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
    } finally {
      signal?.removeEventListener('abort', onAbort)
      this.followers.delete(follower)
    }
  }

  /** Starts the read loop, or interrupts its current block so a new follower is read at once. */
  private kick(): void {
    if (!this.reading) {
      this.reading = true
      void this.readLoop()
    } else if (this.readerId !== null) {
      this.cmd.client('UNBLOCK', this.readerId).catch(() => {})
    }
  }

  private readerReady: Promise<void> | null = null
  private connectReader(): Promise<void> {
    this.readerReady ??= (async () => {
      const reader = redisConnection(this.opts.url, 'flowline-trace-reader')
      this.reader = reader
      this.readerId = Number(await reader.client('ID'))
    })()
    return this.readerReady
  }

  private async readLoop(): Promise<void> {
    try {
      await this.connectReader()
      if (!this.reader) return
      while (this.followers.size > 0 && !this.stopped) {
        const list = [...this.followers]
        const keys = list.map((f) => f.key)
        const ids = list.map((f) => f.lastId)
        const res = (await this.reader.xread('COUNT', 1000, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...ids)) as
          | [string, [string, string[]][]][]
          | null
        const got = new Map(res ?? [])
        const now = Date.now()
        for (const f of list) {
          const entries = got.get(f.key)
          if (entries) f.push(entries)
          else if (f.lastId === '0' && f.missingSince > 0 && now - f.missingSince > MISSING_GIVE_UP_MS)
            f.push(null)
        }
      }
    } catch (err) {
      if (!this.stopped)
        this.opts.logger?.warn({ err }, 'trace stream reader failed; followers fall back to the database')
      for (const f of this.followers) f.push(null)
    } finally {
      this.reading = false
      if (this.followers.size > 0 && !this.stopped) this.kick()
    }
  }

  async shutdown(): Promise<void> {
    this.flush()
    if (this.flushTimer) clearImmediate(this.flushTimer)
    this.stopped = true
    clearInterval(this.sweep)
    for (const f of this.followers) f.push(null)
    this.reader?.disconnect()
    this.announcements?.disconnect()
    if (!this.opts.connection) await this.cmd.quit().catch(() => {})
  }
}
