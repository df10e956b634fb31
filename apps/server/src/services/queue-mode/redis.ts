import { Redis } from 'ioredis'

/** Queue mode settings (REDIS_URL and friends); absent means the embedded default. */
export interface QueueModeOptions {
  redisUrl: string
  /** Namespaces every key (BullMQ's and ours): several installations, or tests, share one Redis. */
  prefix?: string
  /** `api` only enqueues; `worker` also consumes jobs. */
  role: 'api' | 'worker'
}

export const DEFAULT_PREFIX = 'flowline'
export const QUEUE_NAME = 'runs'

/** BullMQ requires maxRetriesPerRequest null on connections that block (workers, readers). */
export function redisConnection(url: string, name?: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false })
}

/** Queue mode from the environment: REDIS_URL switches it on, FLOWLINE_REDIS_PREFIX isolates keys. */
export function queueModeFromEnv(
  env: NodeJS.ProcessEnv,
  role: QueueModeOptions['role'],
): QueueModeOptions | undefined {
  if (!env.REDIS_URL) return undefined
  if (!env.DATABASE_URL?.startsWith('postgres'))
    throw new Error('queue mode (REDIS_URL) needs a PostgreSQL DATABASE_URL shared by every process')
  // A key generated per process would make other processes' connection secrets unreadable.
  if (!env.FLOWLINE_SECRET_KEY)
    throw new Error('queue mode (REDIS_URL) needs FLOWLINE_SECRET_KEY, the same in every process')
  return { redisUrl: env.REDIS_URL, prefix: env.FLOWLINE_REDIS_PREFIX || DEFAULT_PREFIX, role }
}
