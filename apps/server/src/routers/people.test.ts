import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createContextInner } from '../context'
import { dialects } from '../testing/databases'
import { createTestApp, PASSWORD, type TestApp } from '../testing/harness'
import { createCallerFactory } from '../trpc'
import { appRouter } from './_app'

const createCaller = createCallerFactory(appRouter)
const NEW_PASSWORD = 'a brand new passphrase'

async function code(p: Promise<unknown>) {
  try {
    await p
    return 'OK'
  } catch (err) {
    return err instanceof TRPCError ? err.code : String(err)
  }
}

/** A caller whose session cookie behaves like a browser's: set by sign-in, sent afterwards. */
function browser(app: TestApp) {
  const jar: { token?: string } = {}
  const call = async () =>
    createCaller(
      createContextInner({
        db: app.db,
        services: app.services,
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

async function signedIn(app: TestApp, email: string, password = PASSWORD) {
  const b = browser(app)
  await (await b.call()).auth.login({ email, password })
  return b
}

describe.each(dialects)('people: invitations, roles, deactivation, passwords (%s)', (dialect) => {
  let app: TestApp
  beforeEach(async () => {
    app = await createTestApp(dialect)
  })
  afterEach(() => app.close())

  it('invites by a one-time set-password link that signs the invitee in once, and is audited without the token', async () => {
    const admin = app.as(app.users.admin)
    const invited = await admin.users.invite({
      email: 'Marketer@Example.com',
      role: 'editor',
      method: 'link',
    })
    const { user } = invited
    const link = invited.link!
    expect(user).toMatchObject({ email: 'marketer@example.com', role: 'editor' })
    expect(link.token.length).toBeGreaterThanOrEqual(40)
    expect((await admin.users.list()).find((u) => u.id === user.id)).toMatchObject({
      status: 'invited',
      link: { purpose: 'invite', expired: false },
    })
    // Only a hash of the token is stored.
    const stored = await app.db.selectFrom('password_tokens').select('token_hash').execute()
    expect(stored.map((r) => r.token_hash)).not.toContain(link.token)

    const invitee = browser(app)
    expect(await (await invitee.call()).auth.passwordLink({ token: link.token })).toMatchObject({
      email: 'marketer@example.com',
      purpose: 'invite',
    })
    const me = await (await invitee.call()).auth.setPassword({ token: link.token, password: NEW_PASSWORD })
    expect(me).toMatchObject({ email: 'marketer@example.com', role: 'editor' })
    expect(await (await invitee.call()).auth.me()).toMatchObject({ email: 'marketer@example.com' })
    expect((await admin.users.list()).find((u) => u.id === user.id)).toMatchObject({
      status: 'active',
      link: null,
    })

    // Single use: the same link does nothing the second time, not even show whose it was.
    const stranger = browser(app)
    expect(
      await code(
        (await stranger.call()).auth.setPassword({ token: link.token, password: 'attacker pass 1' }),
      ),
    ).toBe('NOT_FOUND')
    expect(await code((await stranger.call()).auth.passwordLink({ token: link.token }))).toBe('NOT_FOUND')
    expect(stranger.jar.token).toBeUndefined()
    expect(
      await (await browser(app).call()).auth.login({ email: 'marketer@example.com', password: NEW_PASSWORD }),
    ).toMatchObject({ role: 'editor' })

    const audit = await admin.audit.list()
    expect(audit.find((a) => a.action === 'user.invite')).toMatchObject({
      actor: 'admin@example.com',
      details: { email: 'marketer@example.com', role: 'editor', method: 'link' },
    })
    expect(audit.find((a) => a.action === 'user.set-password')).toMatchObject({
      actor: 'marketer@example.com',
      details: { via: 'invitation link' },
    })
    expect(JSON.stringify(audit)).not.toContain(link.token)
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD)
  })

  it('lets only one of two simultaneous uses of a link set the password', async () => {
    const link = (
      await app
        .as(app.users.admin)
        .users.invite({ email: 'race@example.com', role: 'viewer', method: 'link' })
    ).link!
    const [a, b] = [browser(app), browser(app)]
    const results = await Promise.allSettled([
      (await a.call()).auth.setPassword({ token: link.token, password: 'first password 1' }),
      (await b.call()).auth.setPassword({ token: link.token, password: 'second password 2' }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const winner = results[0].status === 'fulfilled' ? 'first password 1' : 'second password 2'
    expect(
      await code((await browser(app).call()).auth.login({ email: 'race@example.com', password: winner })),
    ).toBe('OK')
  })

  it('refuses an expired link; a new link works and replaces the old one', async () => {
    const admin = app.as(app.users.admin)
    const invited = await admin.users.invite({ email: 'late@example.com', role: 'viewer', method: 'link' })
    const { user } = invited
    const link = invited.link!
    await app.db
      .updateTable('password_tokens')
      .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
      .execute()
    const b = browser(app)
    expect(await code((await b.call()).auth.passwordLink({ token: link.token }))).toBe('PRECONDITION_FAILED')
    expect(await code((await b.call()).auth.setPassword({ token: link.token, password: NEW_PASSWORD }))).toBe(
      'PRECONDITION_FAILED',
    )
    expect((await admin.users.list()).find((u) => u.id === user.id)?.link).toMatchObject({ expired: true })

    const fresh = await admin.users.newLink({ id: user.id })
    expect(fresh.link.token).not.toBe(link.token)
    expect(await code((await b.call()).auth.passwordLink({ token: link.token }))).toBe('NOT_FOUND')
    await (await b.call()).auth.setPassword({ token: fresh.link.token, password: NEW_PASSWORD })
    expect(await (await b.call()).auth.me()).toMatchObject({ email: 'late@example.com', role: 'viewer' })
    expect((await admin.audit.list({ action: 'user.password-link' }))[0]).toMatchObject({
      details: { email: 'late@example.com' },
    })
  })

  it('invites with a temporary password shown once', async () => {
    const invited = await app.as(app.users.admin).users.invite({
      email: 'temp@example.com',
      role: 'viewer',
      method: 'password',
    })
    const { user } = invited
    const password = invited.password!
    expect(invited.link).toBeNull()
    expect(password).toMatch(/^\w{4}-\w{4}-\w{4}-\w{4}$/)
    expect(await (await browser(app).call()).auth.login({ email: 'temp@example.com', password })).toEqual(
      user,
    )
    const audit = await app.as(app.users.admin).audit.list({ action: 'user.invite' })
    expect(audit[0].details).toEqual({ email: 'temp@example.com', role: 'viewer', method: 'password' })
    expect(JSON.stringify(audit)).not.toContain(password)
  })

  it('applies a role change to sessions already open', async () => {
    const b = await signedIn(app, 'viewer@example.com')
    expect(await code((await b.call()).workflows.create({ title: 'Mine' }))).toBe('FORBIDDEN')
    await app.as(app.users.admin).users.setRole({ id: app.users.viewer.id, role: 'editor' })
    expect(await code((await b.call()).workflows.create({ title: 'Mine' }))).toBe('OK')
    await app.as(app.users.admin).users.setRole({ id: app.users.viewer.id, role: 'viewer' })
    expect(await code((await b.call()).workflows.create({ title: 'Mine again' }))).toBe('FORBIDDEN')
  })

  it('ends a deactivated user’s sessions at once and refuses their sign-in until reactivated', async () => {
    const admin = app.as(app.users.admin)
    const laptop = await signedIn(app, 'editor@example.com')
    const phone = await signedIn(app, 'editor@example.com')
    expect(await code((await laptop.call()).workflows.create({ title: 'Draft' }))).toBe('OK')

    expect(await admin.users.setActive({ id: app.users.editor.id, active: false })).toMatchObject({
      active: false,
    })
    for (const device of [laptop, phone]) {
      expect(await (await device.call()).auth.me()).toBeNull()
      expect(await code((await device.call()).workflows.create({ title: 'Draft' }))).toBe('UNAUTHORIZED')
    }
    const sessions = await app.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('user_id', '=', app.users.editor.id)
      .execute()
    expect(sessions).toEqual([])
    expect(
      await code((await browser(app).call()).auth.login({ email: 'editor@example.com', password: PASSWORD })),
    ).toBe('FORBIDDEN')
    expect(await code(admin.users.newLink({ id: app.users.editor.id }))).toBe('PRECONDITION_FAILED')
    expect((await admin.users.list()).find((u) => u.id === app.users.editor.id)).toMatchObject({
      status: 'deactivated',
    })

    await admin.users.setActive({ id: app.users.editor.id, active: true })
    expect(await code(signedIn(app, 'editor@example.com'))).toBe('OK')
    expect((await admin.audit.list({ actor: 'admin@example.com' })).map((a) => a.action)).toEqual([
      'user.reactivate',
      'user.deactivate',
    ])
  })

  it('never deactivates the acting admin or the last admin', async () => {
    const admin = app.as(app.users.admin)
    expect(await code(admin.users.setActive({ id: app.users.admin.id, active: false }))).toBe(
      'PRECONDITION_FAILED',
    )
    const { user: second } = await admin.users.invite({
      email: 'boss@example.com',
      role: 'admin',
      method: 'password',
    })
    // The second admin deactivates the first; now the second is the last one standing.
    await app.as(second).users.setActive({ id: app.users.admin.id, active: false })
    expect(await code(app.as(second).users.setRole({ id: second.id, role: 'editor' }))).toBe(
      'PRECONDITION_FAILED',
    )
  })

  it('lets every user change their own password with the current one, ending their other sessions', async () => {
    const here = await signedIn(app, 'viewer@example.com')
    const elsewhere = await signedIn(app, 'viewer@example.com')
    expect(
      await code(
        (await here.call()).auth.changePassword({
          currentPassword: 'not my password',
          newPassword: NEW_PASSWORD,
        }),
      ),
    ).toBe('BAD_REQUEST')
    expect(
      await code(
        (await here.call()).auth.changePassword({ currentPassword: PASSWORD, newPassword: 'short' }),
      ),
    ).toBe('BAD_REQUEST')
    await (await here.call()).auth.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
    expect(await (await here.call()).auth.me()).toMatchObject({ email: 'viewer@example.com' })
    expect(await (await elsewhere.call()).auth.me()).toBeNull()
    expect(
      await code((await browser(app).call()).auth.login({ email: 'viewer@example.com', password: PASSWORD })),
    ).toBe('UNAUTHORIZED')
    expect(await code(signedIn(app, 'viewer@example.com', NEW_PASSWORD))).toBe('OK')
    const audit = await app.as(app.users.admin).audit.list({ action: 'user.change-password' })
    expect(audit).toHaveLength(1)
    expect(audit[0].actor).toBe('viewer@example.com')
    expect(JSON.stringify(await app.as(app.users.admin).audit.list())).not.toContain(NEW_PASSWORD)
  })

  it('keeps people management to admins', async () => {
    for (const who of [app.users.viewer, app.users.editor]) {
      const caller = app.as(who)
      expect(await code(caller.users.list())).toBe('FORBIDDEN')
      expect(
        await code(caller.users.invite({ email: 'x@example.com', role: 'viewer', method: 'link' })),
      ).toBe('FORBIDDEN')
      expect(await code(caller.users.setRole({ id: who.id, role: 'admin' }))).toBe('FORBIDDEN')
      expect(await code(caller.users.setActive({ id: app.users.admin.id, active: false }))).toBe('FORBIDDEN')
      expect(await code(caller.users.newLink({ id: app.users.admin.id }))).toBe('FORBIDDEN')
    }
    expect(await app.services.users.count()).toBe(4)
  })
})
