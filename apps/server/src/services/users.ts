import { randomUUID } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import { isUniqueViolation, now } from '../db'
import type { Role } from '../db/schema'
import { hashPassword } from './passwords'

export interface SessionUser {
  id: string
  email: string
  role: Role
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase()

export function createUserService(db: Db) {
  return {
    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async list(): Promise<(SessionUser & { createdAt: string })[]> {
      const rows = await db
        .selectFrom('users')
        .select(['id', 'email', 'role', 'created_at'])
        .orderBy('email')
        .execute()
      return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, createdAt: r.created_at }))
    },

    async create(input: { email: string; password: string; role: Role }, trx: Db = db): Promise<SessionUser> {
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
    },

    async setRole(id: string, role: Role): Promise<SessionUser> {
      const row = await db
        .selectFrom('users')
        .select(['id', 'email', 'role'])
        .where('id', '=', id)
        .executeTakeFirst()
      if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user' })
      if (row.role === 'admin' && role !== 'admin') {
        // Demoting the last admin would leave nobody able to manage accounts.
        const admins = await db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('role', '=', 'admin')
          .executeTakeFirstOrThrow()
        if (Number(admins.n) <= 1) {
          throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'The last admin cannot be demoted' })
        }
      }
      await db.updateTable('users').set({ role }).where('id', '=', id).execute()
      return { id: row.id, email: row.email, role }
    },
  }
}

export type UserService = ReturnType<typeof createUserService>
