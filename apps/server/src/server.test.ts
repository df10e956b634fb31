import { afterEach, describe, expect, it } from 'vitest'
import { now } from './db'
import { startServer } from './server'
import { dialects, freshTarget, type TestTarget } from './testing/databases'
import { loginCookie, PASSWORD, silentLogger } from './testing/harness'
import { trpcHttp } from './testing/http-client'

describe.each(dialects)('server lifecycle (%s)', (dialect) => {
  let target: TestTarget
  afterEach(() => target.dispose())

  const start = () =>
    startServer({
      port: 0,
      ...target.target,
      logger: silentLogger,
      webDist: '/nonexistent',
      admin: { email: 'admin@example.com', password: PASSWORD },
    })

  it('creates the first admin from the environment once, and marks runs a crash left running as interrupted', async () => {
    target = await freshTarget(dialect)
    const first = await start()
    const cookie = await loginCookie(first.url)
    const { id } = await trpcHttp<{ id: string }>(
      first.url,
      'workflows.create',
      { title: 'Crashy' },
      { cookie },
    )
    // What a process killed mid-run leaves behind.
    await first.db
      .insertInto('runs')
      .values({
        id: 'left-running',
        workflow_id: id,
        version: 1,
        model: null,
        kind: 'production',
        status: 'running',
        trigger: 'webhook',
        dry_run: 0,
        message_id: 'm-1',
        event: '{}',
        mocks: null,
        error: null,
        actor: null,
        started_at: now(),
        finished_at: null,
        duration_ms: null,
        state: null,
        resume_at: null,
      })
      .execute()
    await first.close()

    const second = await start()
    try {
      const again = await loginCookie(second.url)
      const users = await trpcHttp<unknown[]>(second.url, 'users.list', undefined, {
        cookie: again,
        type: 'query',
      })
      expect(users).toHaveLength(1)
      const { run } = await trpcHttp<{ run: { status: string; error: string } }>(
        second.url,
        'runs.get',
        { runId: 'left-running' },
        { cookie: again, type: 'query' },
      )
      expect(run.status).toBe('interrupted')
      expect(run.error).toMatch(/stopped/)
    } finally {
      await second.close()
    }
  })

  it('refuses cross-site form posts to tRPC and sets an httpOnly SameSite=Lax session cookie', async () => {
    target = await freshTarget(dialect)
    const server = await start()
    try {
      const form = await fetch(`${server.url}/trpc/auth.logout`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      })
      expect(form.status).toBe(415)
      const res = await fetch(`${server.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@example.com', password: PASSWORD }),
      })
      const cookie = res.headers.getSetCookie()[0]
      expect(cookie).toMatch(/^flowline_session=[\w-]+;/)
      expect(cookie).toContain('HttpOnly')
      expect(cookie).toContain('SameSite=Lax')
    } finally {
      await server.close()
    }
  })
})
