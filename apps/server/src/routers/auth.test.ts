import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createContextInner } from '../context'
import { dialects } from '../testing/databases'
import { createTestApp, PASSWORD, type TestApp } from '../testing/harness'
import { createCallerFactory } from '../trpc'
import { appRouter } from './_app'

const createCaller = createCallerFactory(appRouter)

async function code(p: Promise<unknown>) {
  try {
    await p
    return 'OK'
  } catch (err) {
    return err instanceof TRPCError ? err.code : String(err)
  }
}

/** A caller whose session cookie behaves like a browser's: set by login, sent afterwards. */
function browser(app: TestApp, ip = '10.0.0.1') {
  const jar: { token?: string } = {}
  const call = async () =>
    createCaller(
      createContextInner({
        db: app.db,
        services: app.services,
        ip,
        user: await app.services.auth.userForToken(jar.token),
        session: {
          token: jar.token,
          set: (t) => {
            jar.token = t
          },
          clear: () => {
            jar.token = undefined
          },
        },
      }),
    )
  return { jar, call }
}

describe.each(dialects)('accounts and sessions (%s)', (dialect) => {
  let app: TestApp
  afterEach(() => app.close())

  describe('first run', () => {
    beforeEach(async () => {
      app = await createTestApp(dialect, { withUsers: false })
    })

    it('lets exactly one visitor create the first admin, then refuses', async () => {
      const b = browser(app)
      expect((await (await b.call()).system.info()).needsSetup).toBe(true)
      const results = await Promise.allSettled([
        (await b.call()).auth.setupFirstAdmin({ email: 'first@example.com', password: PASSWORD }),
        (await browser(app).call()).auth.setupFirstAdmin({ email: 'second@example.com', password: PASSWORD }),
      ])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      expect(await app.services.users.count()).toBe(1)
      expect((await (await b.call()).system.info()).needsSetup).toBe(false)
      expect(
        await code(
          (await browser(app).call()).auth.setupFirstAdmin({ email: 'late@example.com', password: PASSWORD }),
        ),
      ).toBe('FORBIDDEN')
    })

    it('signs the new admin in', async () => {
      const b = browser(app)
      await (await b.call()).auth.setupFirstAdmin({ email: 'First@Example.com', password: PASSWORD })
      expect(await (await b.call()).auth.me()).toMatchObject({ email: 'first@example.com', role: 'admin' })
    })
  })

  describe('with accounts', () => {
    beforeEach(async () => {
      app = await createTestApp(dialect)
    })

    it('logs in with the right password only, and logs out', async () => {
      const b = browser(app)
      expect(
        await code((await b.call()).auth.login({ email: 'editor@example.com', password: 'wrong password' })),
      ).toBe('UNAUTHORIZED')
      expect(
        await code((await b.call()).auth.login({ email: 'nobody@example.com', password: PASSWORD })),
      ).toBe('UNAUTHORIZED')
      expect(b.jar.token).toBeUndefined()
      const user = await (await b.call()).auth.login({ email: 'EDITOR@example.com', password: PASSWORD })
      expect(user).toEqual({ id: app.users.editor.id, email: 'editor@example.com', role: 'editor' })
      expect(await (await b.call()).auth.me()).toEqual(user)
      await (await b.call()).auth.logout()
      expect(b.jar.token).toBeUndefined()
      expect(await (await b.call()).auth.me()).toBeNull()
    })

    it('stores only a hash of the session token', async () => {
      const b = browser(app)
      await (await b.call()).auth.login({ email: 'editor@example.com', password: PASSWORD })
      const rows = await app.db.selectFrom('sessions').select('token_hash').execute()
      expect(rows.map((r) => r.token_hash)).not.toContain(b.jar.token)
      expect(await app.services.auth.userForToken('made-up-token')).toBeNull()
    })

    it('locks an email+address pair out after 10 failures, even for the right password', async () => {
      const b = browser(app, '10.9.9.9')
      for (let i = 0; i < 10; i++) {
        expect(
          await code((await b.call()).auth.login({ email: 'viewer@example.com', password: `nope-${i}-xx` })),
        ).toBe('UNAUTHORIZED')
      }
      expect(
        await code((await b.call()).auth.login({ email: 'viewer@example.com', password: PASSWORD })),
      ).toBe('TOO_MANY_REQUESTS')
      // Someone else, elsewhere, is not locked out by it.
      expect(
        await code(
          (await browser(app, '10.1.1.1').call()).auth.login({
            email: 'viewer@example.com',
            password: PASSWORD,
          }),
        ),
      ).toBe('OK')
    })

    it('lets admins add users and change roles, audited without passwords', async () => {
      const admin = app.as(app.users.admin)
      const created = await admin.users.create({
        email: 'new@example.com',
        password: 'another password',
        role: 'viewer',
      })
      expect(
        await code(
          admin.users.create({ email: 'NEW@example.com', password: 'another password', role: 'viewer' }),
        ),
      ).toBe('CONFLICT')
      await admin.users.setRole({ id: created.id, role: 'editor' })
      const listed = await admin.users.list()
      expect(listed.find((u) => u.email === 'new@example.com')).toMatchObject({ role: 'editor' })
      expect(JSON.stringify(listed)).not.toContain('scrypt')
      const b = browser(app)
      expect(
        await (await b.call()).auth.login({ email: 'new@example.com', password: 'another password' }),
      ).toMatchObject({ role: 'editor' })

      const audit = await admin.audit.list({ actor: 'admin@example.com' })
      expect(audit.map((a) => a.action)).toEqual(['user.set-role', 'user.create'])
      expect(JSON.stringify(audit)).not.toContain('another password')
    })

    it('never demotes the last admin', async () => {
      expect(
        await code(app.as(app.users.admin).users.setRole({ id: app.users.admin.id, role: 'viewer' })),
      ).toBe('PRECONDITION_FAILED')
    })

    it('audits logins', async () => {
      await (await browser(app).call()).auth.login({ email: 'viewer@example.com', password: PASSWORD })
      const audit = await app.as(app.users.viewer).audit.list({ action: 'auth.login' })
      expect(audit[0]).toMatchObject({ actor: 'viewer@example.com', action: 'auth.login' })
    })
  })
})
