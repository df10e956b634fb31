import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthService, LOGIN_FAILURES_PER_IP } from '../services/auth'
import { redisConnection } from '../services/queue-mode/redis'
import { RedisFailureLimiter } from '../services/queue-mode/redis-rate-limit'
import { FailureLimiter, type LoginLimiter } from '../services/rate-limit'
import { dialects } from '../testing/databases'
import { createTestApp, PASSWORD, type TestApp } from '../testing/harness'
import { outcome, snapshot } from './attack-kit'

/**
 * Guessing passwords: one account from one address, one password sprayed over many accounts
 * from one address, and bursts of concurrent guesses that try to get in before the first
 * failure is counted. Both limiters (in memory, and Redis for queue mode) must hold.
 */
const redisUrl = process.env.TEST_REDIS_URL
const limiters: [string, () => { limiter: LoginLimiter; close(): void }][] = [
  ['in memory', () => ({ limiter: new FailureLimiter(), close() {} })],
]
if (redisUrl)
  limiters.push([
    'Redis',
    () => {
      const redis: Redis = redisConnection(redisUrl)
      const prefix = `flowline-test-${randomBytes(6).toString('hex')}`
      return { limiter: new RedisFailureLimiter(redis, prefix), close: () => redis.disconnect() }
    },
  ])

const code = async (p: Promise<unknown>) => (await outcome(p)).split(':')[0]

describe.each(dialects)('sign-in attacks (%s)', (dialect) => {
  let app: TestApp
  beforeAll(async () => {
    app = await createTestApp(dialect)
  })
  afterAll(() => app.close())

  describe.each(limiters)('limiter %s', (_name, make) => {
    let made: ReturnType<typeof make>
    let auth: ReturnType<typeof createAuthService>
    beforeAll(() => {
      made = make()
      auth = createAuthService(app.db, app.services.users, made.limiter)
    })
    afterAll(() => made.close())

    it('one account, one address: locked after 10, the right password refused the same way, other addresses not', async () => {
      const ip = '10.20.0.1'
      for (let i = 0; i < 10; i++)
        expect(await code(auth.login({ email: 'viewer@example.com', password: `guess-${i}`, ip }))).toBe(
          'UNAUTHORIZED',
        )
      const sessions = await snapshot(app.db, ['sessions'])
      const wrong = await outcome(auth.login({ email: 'viewer@example.com', password: 'guess-10', ip }))
      const right = await outcome(auth.login({ email: 'viewer@example.com', password: PASSWORD, ip }))
      expect(right).toBe('TOO_MANY_REQUESTS: Too many failed logins; try again in 15 minutes')
      expect(wrong).toBe(right)
      expect(await snapshot(app.db, ['sessions'])).toBe(sessions)
      expect(
        await code(auth.login({ email: 'viewer@example.com', password: PASSWORD, ip: '10.20.0.2' })),
      ).toBe('OK')
    })

    it('one password sprayed over many accounts from one address: capped per address', async () => {
      const ip = '10.30.0.1'
      // All at once: the count must hold under concurrency, not only one by one.
      const tries = Array.from({ length: LOGIN_FAILURES_PER_IP + 15 }, (_, i) =>
        code(auth.login({ email: `person-${i}@example.com`, password: 'Summer2024!', ip })),
      )
      const results = await Promise.all(tries)
      expect(results.filter((r) => r === 'UNAUTHORIZED')).toHaveLength(LOGIN_FAILURES_PER_IP)
      expect(results.filter((r) => r === 'TOO_MANY_REQUESTS')).toHaveLength(15)
      const sessions = await snapshot(app.db, ['sessions'])
      // A real account's right password from that address is refused too, until the window ends.
      expect(await code(auth.login({ email: 'editor@example.com', password: PASSWORD, ip }))).toBe(
        'TOO_MANY_REQUESTS',
      )
      expect(await snapshot(app.db, ['sessions'])).toBe(sessions)
      expect(
        await code(auth.login({ email: 'editor@example.com', password: PASSWORD, ip: '10.30.0.2' })),
      ).toBe('OK')
    })

    it('a burst of 40 concurrent guesses at one account gets 10 looks at the password, no more', async () => {
      const ip = '10.40.0.1'
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          code(auth.login({ email: 'admin@example.com', password: `burst-${i}`, ip })),
        ),
      )
      expect(results.filter((r) => r === 'UNAUTHORIZED')).toHaveLength(10)
      expect(results.filter((r) => r === 'TOO_MANY_REQUESTS')).toHaveLength(30)
    })

    it('successful sign-ins do not use up the address allowance', async () => {
      const ip = '10.50.0.1'
      for (let i = 0; i < LOGIN_FAILURES_PER_IP + 5; i++)
        expect(await code(auth.login({ email: 'editor@example.com', password: PASSWORD, ip }))).toBe('OK')
    })
  })
})
