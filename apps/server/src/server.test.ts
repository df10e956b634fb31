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

  it('creates the first admin from the environment once, and resumes runs a crash left unfinished', async () => {
    target = await freshTarget(dialect)
    const first = await start()
    const cookie = await loginCookie(first.url)
    const { id } = await trpcHttp<{ id: string }>(
      first.url,
      'workflows.create',
      {
        model: {
          title: 'Crashy',
          description: '',
          groups: [],
          nodes: [
            { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
            { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
          ],
          edges: [{ id: 's-e', source: 's', sourceHandle: 'right', target: 'e', targetHandle: 'left' }],
        },
      },
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
        kind: 'test',
        status: 'running',
        trigger: 'manual',
        dry_run: 1,
        message_id: null,
        event: JSON.stringify({ type: 'page', userId: 'u-1', messageId: 'm-1', name: 'Home' }),
        mocks: null,
        error: null,
        actor: null,
        started_at: now(),
        finished_at: null,
        duration_ms: null,
        state: null,
        resume_at: null,
        retry_of: null,
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
      let view: { run: { status: string }; events: { type: string; reason?: string }[] } | undefined
      for (let i = 0; i < 200 && view?.run.status !== 'succeeded'; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 25))
        view = await trpcHttp(
          second.url,
          'runs.get',
          { runId: 'left-running' },
          { cookie: again, type: 'query' },
        )
      }
      expect(view?.run).toMatchObject({ status: 'succeeded', error: null })
      expect(view?.events[0]).toMatchObject({ type: 'run.resumed', reason: 'restart' })
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
