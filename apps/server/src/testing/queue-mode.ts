import { readFileSync } from 'node:fs'
import { Redis } from 'ioredis'
import { sleep } from './child-server'

/** CPU time (user + system, all threads) a process used so far, in ms; 0 when it is gone (Linux). */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return 0
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

/** Polls the API's /healthz until queue mode reports `n` workers. */
export async function waitForWorkers(apiUrl: string, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    last = await fetch(`${apiUrl}/healthz`)
      .then((r) => r.json())
      .catch((e) => String(e))
    if ((last as { workers?: unknown[] }).workers?.length === n) return
    await sleep(200)
  }
  throw new Error(`${n} workers did not show up in /healthz: ${JSON.stringify(last)}`)
}

/** Deletes every key under a test's prefix. */
export async function redisWipe(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url)
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await redis.del(...keys)
  } while (cursor !== '0')
  redis.disconnect()
}
