import type { Redis } from 'ioredis'

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
}
