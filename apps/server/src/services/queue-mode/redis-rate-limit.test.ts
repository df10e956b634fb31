import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { redisConnection } from './redis'
import { RedisFailureLimiter } from './redis-rate-limit'

const url = process.env.TEST_REDIS_URL

describe.skipIf(!url)('RedisFailureLimiter', () => {
  it('counts failures across processes, forgives on success and after the window', async () => {
    const prefix = `flowline-test-${randomBytes(6).toString('hex')}`
    const a = redisConnection(url!)
    const b = redisConnection(url!)
    // Two API processes, one counter.
    const one = new RedisFailureLimiter(a, prefix, 3, 300)
    const two = new RedisFailureLimiter(b, prefix, 3, 300)
    await one.fail('x|1.2.3.4')
    await two.fail('x|1.2.3.4')
    expect(await one.isBlocked('x|1.2.3.4')).toBe(false)
    await one.fail('x|1.2.3.4')
    expect(await two.isBlocked('x|1.2.3.4')).toBe(true)
    expect(await two.isBlocked('y|1.2.3.4')).toBe(false)
    await two.reset('x|1.2.3.4')
    expect(await one.isBlocked('x|1.2.3.4')).toBe(false)
    for (let i = 0; i < 3; i++) await one.fail('z')
    expect(await one.isBlocked('z')).toBe(true)
    await new Promise((r) => setTimeout(r, 400))
    expect(await one.isBlocked('z')).toBe(false)
    a.disconnect()
    b.disconnect()
  })
})
