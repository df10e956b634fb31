import type { Redis } from 'ioredis'

const TAKE = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return c`
// Never below zero, and never on a key whose window ended (DECR would create one without expiry).
const RELEASE = `if (tonumber(redis.call('GET', KEYS[1]) or '0')) > 0 then return redis.call('DECR', KEYS[1]) end
return 0`

/**
 * The login failure counter of rate-limit.ts, shared by every API process through Redis:
 * a fixed window per key (INCR, expiry set by the first failure).
 */
export class RedisFailureLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly max = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  private key(key: string) {
    return `${this.prefix}:login-failures:${key}`
  }

  async isBlocked(key: string): Promise<boolean> {
    return Number((await this.redis.get(this.key(key))) ?? 0) >= this.max
  }

  async fail(key: string): Promise<void> {
    const k = this.key(key)
    const [[, count]] = (await this.redis.multi().incr(k).exec()) as [[Error | null, number]]
    if (count === 1) await this.redis.pexpire(k, this.windowMs)
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.key(key))
  }

  /** One script, so that concurrent attempts on any API process are counted one by one. */
  async take(key: string, max = this.max): Promise<boolean> {
    const count = await this.redis.eval(TAKE, 1, this.key(key), this.windowMs)
    return Number(count) <= max
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(key))
  }
}
