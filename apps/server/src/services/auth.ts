import { randomBytes } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import { isUniqueViolation, now } from '../db'
import { dummyHash, hashPassword, verifyPassword } from './passwords'
import { FailureLimiter, type LoginLimiter } from './rate-limit'
import { normalizeEmail, type SessionUser, tokenHash, type UserService } from './users'

export const SESSION_COOKIE = 'flowline_session'
export const SESSION_TTL_MS = 14 * 24 * 3600_000
/** Failed sign-ins from one address, over all e-mails, per 15 minutes (per e-mail: 10). */
export const LOGIN_FAILURES_PER_IP = 50

export function createAuthService(db: Db, users: UserService, limiter: LoginLimiter = new FailureLimiter()) {
  async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url')
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS)
    await db
      .insertInto('sessions')
      .values({
        token_hash: tokenHash(token),
        user_id: userId,
        created_at: now(),
        expires_at: expiresAt.toISOString(),
      })
      .execute()
    return { token, expiresAt }
  }

  const linkUsed = () =>
    new TRPCError({
      code: 'NOT_FOUND',
      message:
        'This link does not work: it was used already or replaced by a newer one. Ask an admin for a new link.',
    })

  async function linkRow(token: string) {
    const row = await db
      .selectFrom('password_tokens')
      .innerJoin('users', 'users.id', 'password_tokens.user_id')
      .select([
        'password_tokens.user_id',
        'password_tokens.purpose',
        'password_tokens.expires_at',
        'password_tokens.used_at',
        'users.email',
        'users.role',
        'users.deactivated_at',
      ])
      .where('password_tokens.token_hash', '=', tokenHash(token))
      .executeTakeFirst()
    if (!row || row.used_at) throw linkUsed()
    if (row.deactivated_at)
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: 'This account is deactivated; the link no longer works',
      })
    if (row.expires_at < now())
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: `This link expired on ${row.expires_at.slice(0, 16).replace('T', ' ')} UTC. Ask an admin for a new one.`,
      })
    return row
  }

  return {
    createSession,

    /**
     * Two limits (README, Secrets and sign-in): failures per e-mail and address, and failures
     * per address over all e-mails (spraying one password over many accounts). An attempt
     * over either is refused before its password is looked at, so during a lockout the right
     * password gets the same 429 as a wrong one: the answer tells a guesser nothing.
     */
    async login(input: { email: string; password: string; ip: string }) {
      const email = normalizeEmail(input.email)
      const key = `${email}|${input.ip}`
      const ipKey = `ip|${input.ip}`
      const ipOk = await limiter.take(ipKey, LOGIN_FAILURES_PER_IP)
      if (!ipOk || !(await limiter.take(key))) {
        if (ipOk) await limiter.release(ipKey)
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many failed logins; try again in 15 minutes',
        })
      }
      const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
      const ok = await verifyPassword(input.password, row?.password_hash ?? (await dummyHash))
      // A failure stays counted on both keys (take counted it).
      if (!row || !ok) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong email or password' })
      await limiter.reset(key)
      await limiter.release(ipKey)
      // Only after the right password: a deactivated account is not revealed to guessers.
      if (row.deactivated_at)
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: 'This account is deactivated; ask an admin to reactivate it',
        })
      const session = await createSession(row.id)
      const user: SessionUser = { id: row.id, email: row.email, role: row.role }
      return { user, ...session }
    },

    async logout(token: string | undefined): Promise<void> {
      if (token) await db.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute()
    },

    async userForToken(token: string | undefined): Promise<SessionUser | null> {
      if (!token) return null
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['users.id', 'users.email', 'users.role', 'sessions.expires_at'])
        .where('sessions.token_hash', '=', tokenHash(token))
        // Deactivation deletes the sessions too; this keeps a race with it from letting one through.
        .where('users.deactivated_at', 'is', null)
        .executeTakeFirst()
      if (!row) return null
      if (row.expires_at < now()) {
        await db.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute()
        return null
      }
      return { id: row.id, email: row.email, role: row.role }
    },

    /** Who a set-password link is for, or why it no longer works. */
    async passwordLink(token: string) {
      const row = await linkRow(token)
      return { email: row.email, purpose: row.purpose, expiresAt: row.expires_at }
    },

    /**
     * Sets the password through a one-time link and signs its owner in. The link is spent by
     * a conditional update (used_at still null), so of two concurrent uses only one succeeds.
     * Sessions the account had before end: whoever knew the old password is signed out.
     */
    async setPasswordWithLink(token: string, password: string) {
      const row = await linkRow(token)
      const password_hash = await hashPassword(password)
      await db.transaction().execute(async (trx) => {
        const spent = await trx
          .updateTable('password_tokens')
          .set({ used_at: now() })
          .where('token_hash', '=', tokenHash(token))
          .where('used_at', 'is', null)
          .executeTakeFirst()
        if (Number(spent.numUpdatedRows) !== 1) throw linkUsed()
        await trx.updateTable('users').set({ password_hash }).where('id', '=', row.user_id).execute()
        await trx.deleteFrom('sessions').where('user_id', '=', row.user_id).execute()
      })
      const user: SessionUser = { id: row.user_id, email: row.email, role: row.role }
      return { user, purpose: row.purpose, ...(await createSession(row.user_id)) }
    },

    /**
     * A signed-in user's own password change. The current password is required (a borrowed
     * session cannot lock its owner out), and every other session of the account ends.
     */
    async changePassword(
      user: SessionUser,
      input: { currentPassword: string; newPassword: string; sessionToken?: string },
    ): Promise<void> {
      const key = `change|${user.id}`
      if (await limiter.isBlocked(key))
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many wrong passwords; try again later',
        })
      const row = await db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirst()
      if (!row || !(await verifyPassword(input.currentPassword, row.password_hash))) {
        await limiter.fail(key)
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'The current password is not right' })
      }
      await limiter.reset(key)
      const password_hash = await hashPassword(input.newPassword)
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ password_hash }).where('id', '=', user.id).execute()
        let others = trx.deleteFrom('sessions').where('user_id', '=', user.id)
        if (input.sessionToken) others = others.where('token_hash', '!=', tokenHash(input.sessionToken))
        await others.execute()
      })
    },

    async needsSetup(): Promise<boolean> {
      return (await users.count()) === 0
    },

    /**
     * Creates the first admin exactly once: the `meta` row is a unique guard, so two
     * concurrent setup requests cannot both succeed even on PostgreSQL.
     */
    async setupFirstAdmin(input: { email: string; password: string }): Promise<SessionUser> {
      const refused = () =>
        new TRPCError({ code: 'FORBIDDEN', message: 'Setup is already done; ask an admin for an account' })
      if ((await users.count()) > 0) throw refused()
      try {
        return await db.transaction().execute(async (trx) => {
          await trx.insertInto('meta').values({ key: 'first-admin', value: now() }).execute()
          return users.create({ ...input, role: 'admin' }, trx)
        })
      } catch (err) {
        if (isUniqueViolation(err)) throw refused()
        throw err
      }
    },

    async pruneExpiredSessions(): Promise<void> {
      await db.deleteFrom('sessions').where('expires_at', '<', now()).execute()
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>
