import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import { isUniqueViolation, now } from '../db'
import type { PasswordTokensTable, Role } from '../db/schema'
import { hashPassword } from './passwords'

export interface SessionUser {
  id: string
  email: string
  role: Role
}

/** How long a set-password link works: an invitation waits a week, a reset a day. */
export const LINK_TTL_MS: Record<PasswordTokensTable['purpose'], number> = {
  invite: 7 * 24 * 3600_000,
  reset: 24 * 3600_000,
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase()
/** Session cookies and set-password links are stored as this hash: a leaked table opens nothing. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * A temporary password an admin reads out or pastes to a colleague: 4 groups of 4 from an
 * alphabet without look-alikes (no 0/O, 1/l/I), about 80 bits.
 */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const bytes = randomBytes(16)
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length])
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-')
}

export type UserStatus = 'active' | 'invited' | 'deactivated'

export function createUserService(db: Db) {
  async function requireUser(id: string, trx: Db = db) {
    const row = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user' })
    return row
  }

  /** Admins who can still sign in: the app always keeps one. */
  async function activeAdmins(trx: Db = db): Promise<number> {
    const row = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('role', '=', 'admin')
      .where('deactivated_at', 'is', null)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** A new link for the user; earlier unused links of theirs stop working. */
  async function issueLink(
    userId: string,
    purpose: PasswordTokensTable['purpose'],
    by: string,
    trx: Db = db,
  ): Promise<{ token: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url')
    const at = now()
    const expiresAt = new Date(Date.now() + LINK_TTL_MS[purpose]).toISOString()
    await trx
      .deleteFrom('password_tokens')
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute()
    await trx
      .insertInto('password_tokens')
      .values({
        token_hash: tokenHash(token),
        user_id: userId,
        purpose,
        created_at: at,
        created_by: by,
        expires_at: expiresAt,
        used_at: null,
      })
      .execute()
    return { token, expiresAt }
  }

  async function create(
    input: { email: string; password: string; role: Role },
    trx: Db = db,
  ): Promise<SessionUser> {
    const user = { id: randomUUID(), email: normalizeEmail(input.email), role: input.role }
    const password_hash = await hashPassword(input.password)
    try {
      await trx
        .insertInto('users')
        .values({ ...user, password_hash, created_at: now() })
        .execute()
    } catch (err) {
      if (isUniqueViolation(err))
        throw new TRPCError({ code: 'CONFLICT', message: `${user.email} already has an account` })
      throw err
    }
    return user
  }

  return {
    requireUser,

    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    /** Everyone, with whether they can sign in and any set-password link still open. */
    async list() {
      const [rows, links] = await Promise.all([
        db
          .selectFrom('users')
          .select(['id', 'email', 'role', 'created_at', 'deactivated_at'])
          .orderBy('email')
          .execute(),
        db
          .selectFrom('password_tokens')
          .select(['user_id', 'purpose', 'expires_at'])
          .where('used_at', 'is', null)
          .execute(),
      ])
      const open = new Map(links.map((l) => [l.user_id, l]))
      const at = now()
      return rows.map((r) => {
        const link = open.get(r.id)
        const status: UserStatus = r.deactivated_at
          ? 'deactivated'
          : link?.purpose === 'invite'
            ? 'invited'
            : 'active'
        return {
          id: r.id,
          email: r.email,
          role: r.role,
          createdAt: r.created_at,
          status,
          deactivatedAt: r.deactivated_at ?? null,
          /** An unused set-password link: when it stops working, and whether it has. */
          link: link
            ? { purpose: link.purpose, expiresAt: link.expires_at, expired: link.expires_at < at }
            : null,
        }
      })
    },

    create,

    /**
     * A new account. `link`: nobody knows its password until the invitee sets one through
     * the one-time link; `password`: a generated temporary password, shown to the admin once.
     */
    async invite(
      input: { email: string; role: Role; method: 'link' | 'password' },
      by: string,
    ): Promise<{
      user: SessionUser
      link: { token: string; expiresAt: string } | null
      password: string | null
    }> {
      if (input.method === 'password') {
        const password = temporaryPassword()
        const user = await create({ email: input.email, role: input.role, password })
        return { user, link: null, password }
      }
      return db.transaction().execute(async (trx) => {
        const user = await create(
          { email: input.email, role: input.role, password: randomBytes(32).toString('base64url') },
          trx,
        )
        const link = await issueLink(user.id, 'invite', by, trx)
        return { user, link, password: null }
      })
    },

    /** A fresh set-password link for an existing account (a forgotten password, an expired invitation). */
    async newLink(id: string, by: string) {
      const row = await requireUser(id)
      if (row.deactivated_at)
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Reactivate the account first' })
      const pending = await db
        .selectFrom('password_tokens')
        .select('purpose')
        .where('user_id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst()
      // Someone who never chose a password is still being invited.
      const purpose = pending?.purpose === 'invite' ? 'invite' : 'reset'
      const link = await issueLink(id, purpose, by)
      return { user: { id: row.id, email: row.email, role: row.role }, link }
    },

    async setRole(id: string, role: Role): Promise<SessionUser> {
      const row = await requireUser(id)
      // Demoting the last admin would leave nobody able to manage accounts.
      if (row.role === 'admin' && role !== 'admin' && !row.deactivated_at && (await activeAdmins()) <= 1)
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'The last admin cannot be demoted' })
      await db.updateTable('users').set({ role }).where('id', '=', id).execute()
      return { id: row.id, email: row.email, role }
    },

    /**
     * Deactivating ends every session of the account at once and refuses its sign-ins and
     * set-password links; the account stays, so its name in the audit log still means someone.
     */
    async setActive(id: string, active: boolean, actor: SessionUser): Promise<SessionUser> {
      const row = await requireUser(id)
      if (!active && id === actor.id)
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: 'You cannot deactivate your own account',
        })
      await db.transaction().execute(async (trx) => {
        if (!active && row.role === 'admin' && !row.deactivated_at && (await activeAdmins(trx)) <= 1)
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: 'The last admin cannot be deactivated',
          })
        await trx
          .updateTable('users')
          .set({ deactivated_at: active ? null : now() })
          .where('id', '=', id)
          .execute()
        if (!active) {
          await trx.deleteFrom('sessions').where('user_id', '=', id).execute()
          await trx
            .deleteFrom('password_tokens')
            .where('user_id', '=', id)
            .where('used_at', 'is', null)
            .execute()
        }
      })
      return { id: row.id, email: row.email, role: row.role }
    },
  }
}

export type UserService = ReturnType<typeof createUserService>
