import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing/harness'

describe('system.status', () => {
  let app: TestApp
  beforeAll(async () => {
    app = await createTestApp('sqlite')
  })
  afterAll(() => app.close())

  it('is for admins, and says where runs execute', async () => {
    await expect(app.as(app.users.editor).system.status()).rejects.toMatchObject({ code: 'FORBIDDEN' })
    // Embedded (no REDIS_URL): this process executes runs; queue mode reports BullMQ's counts and workers.
    expect(await app.as(app.users.admin).system.status()).toEqual({
      mode: 'embedded',
      queue: { active: 0 },
      workers: [],
    })
  })
})
