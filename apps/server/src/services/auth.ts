import { createHash, randomBytes } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import { isUniqueViolation, now } from '../db'
import { dummyHash, verifyPassword } from './passwords'
import { FailureLimiter, type LoginLimiter } from './rate-limit'
import { normalizeEmail, type SessionUser, type UserService } from './users'

export const SESSION_COOKIE = 'flowline_session'
export const SESSION_TTL_MS = 14 * 24 * 3600_000

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

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

  return {
    createSession,

    async login(input: { email: string; password: string; ip: string }) {
      const email = normalizeEmail(input.email)
      const key = `${email}|${input.ip}`
      if (await limiter.isBlocked(key)) {
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many failed logins; try again in 15 minutes',
        })
      }
      const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
      const ok = await verifyPassword(input.password, row?.password_hash ?? (await dummyHash))
      if (!row || !ok) {
        await limiter.fail(key)
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong email or password' })
      }
      await limiter.reset(key)
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
        .executeTakeFirst()
      if (!row) return null
      if (row.expires_at < now()) {
        await db.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute()
        return null
      }
      return { id: row.id, email: row.email, role: row.role }
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
