import { randomBytes } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import type { Logger } from 'pino'
import type { Db } from '../db'
import { isUniqueViolation, now } from '../db'
import type { ConnectionsTable, Role } from '../db/schema'
import type { AuditService } from './audit'
import { probeConnection } from './connection-probe'
import {
  type ConnectionInfo,
  type ConnectionResolver,
  type ConnectionType,
  connectionConfigSchemas,
  connectionKinds,
  getNodeSpec,
  type SecretBinding,
  secretBinding,
  type Workflow,
} from './engine'
import type { HttpClient } from './http-client'
import type { SecretBox } from './secret-box'
import { type BoundConnection, SecretFence } from './secret-fence'
import type { Actor } from './workflows'

/** How secrets appear wherever a person could see them (audit log, lists). */
export const SECRET_MASK = '••••'
const KEY_CHECK = 'connections.key-fingerprint'

export interface ConnectionServiceDeps {
  db: Db
  audit: AuditService
  box: SecretBox
  http: HttpClient
  logger?: Logger
}

export interface ConnectionInput {
  name: string
  type: ConnectionType
  config: Record<string, unknown>
  secret?: string
}

/** A connection as listed: viewers get id, name and type only; editors and admins the rest. */
export interface ConnectionSummary {
  id: string
  name: string
  type: ConnectionType
  config?: Record<string, unknown>
  /** Whether a secret is stored; the secret itself is never returned. */
  secretSet?: boolean
  createdAt?: string
  createdBy?: string
  updatedAt?: string
  updatedBy?: string
  secretUpdatedAt?: string
  /** Workflows whose latest or published version uses it (deleting is refused while any does). */
  usedBy?: { workflowId: string; title: string }[]
}

/** "rest.a.example → rest.b.example" for the refusal; the keys themselves are for machines. */
function describeChange(from: SecretBinding, to: SecretBinding): string {
  if (from.origin !== to.origin) return `${from.origin} → ${to.origin}`
  return `${from.key.slice(from.origin.length + 1)} → ${to.key.slice(to.origin.length + 1)}`
}

const newConnectionId = () => `conn_${randomBytes(9).toString('base64url')}`

function parseConfig(type: ConnectionType, config: unknown): Record<string, unknown> {
  const parsed = connectionConfigSchemas[type].safeParse(config)
  if (parsed.success) return parsed.data as Record<string, unknown>
  const issue = parsed.error.issues[0]
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  throw new TRPCError({ code: 'BAD_REQUEST', message: `${where}${issue.message}` })
}

const secretRequired = (type: ConnectionType, config: Record<string, unknown>) =>
  connectionKinds[type].secretRequired(config)

/**
 * Sealed secrets carry where they may go (DESIGN §6 Secrets): `{secret, boundTo}` under the
 * connection id plus this suffix as associated data. Secrets saved before binding existed are
 * the bare value under the bare id; `bindLegacySecrets` seals them again at start.
 */
const BOUND_AAD = '\u0000bound'

interface SealedSecret {
  secret: string
  boundTo: SecretBinding
}

/** Connection ids each node config refers to (the spec names the field). */
function referencedIds(model: Workflow): Set<string> {
  const ids = new Set<string>()
  for (const node of model.nodes) {
    const field = node.type ? getNodeSpec(node.type)?.connection?.field : undefined
    const value = field ? (node.config as Record<string, unknown> | undefined)?.[field] : undefined
    if (typeof value === 'string' && value !== '') ids.add(value)
  }
  return ids
}

/**
 * Named, typed credentials. The secret is sealed with the SecretBox before it touches the
 * database and only unsealed by `resolve`, for a run or a connection test: no procedure
 * returns it, and audit entries show `••••`.
 */
export function createConnectionService({ db, audit, box, http, logger }: ConnectionServiceDeps) {
  async function requireRow(id: string): Promise<ConnectionsTable> {
    const row = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `No connection ${id}` })
    return row
  }

  const seal = (id: string, secret: string, boundTo: SecretBinding) =>
    box.encrypt(JSON.stringify({ secret, boundTo } satisfies SealedSecret), id + BOUND_AAD)

  /** The secret and where it was saved for; `legacy` when it predates binding (bound to the settings). */
  function open(row: ConnectionsTable): SealedSecret & { legacy?: true } {
    const current = secretBinding(row.type as ConnectionType, JSON.parse(row.config))
    if (row.secret === '') return { secret: '', boundTo: current }
    try {
      return JSON.parse(box.decrypt(row.secret, row.id + BOUND_AAD)) as SealedSecret
    } catch {
      // Not (yet) in the bound form: a secret saved before binding, or a key that differs.
    }
    try {
      return { secret: box.decrypt(row.secret, row.id), boundTo: current, legacy: true }
    } catch {
      throw new Error(
        `connection "${row.name}" cannot be decrypted: the server's secret key (FLOWLINE_SECRET_KEY or secret.key in the data directory) is not the one it was saved with`,
      )
    }
  }

  /** The secret, refused when the settings no longer point where it was saved for. */
  function unseal(
    row: ConnectionsTable,
    config: Record<string, unknown>,
  ): SecretBinding & { secret: string } {
    const now = secretBinding(row.type as ConnectionType, config)
    // Settings that send no secret (auth "none", mail without login) get none.
    if (!secretRequired(row.type as ConnectionType, config)) return { ...now, secret: '' }
    const { secret, boundTo } = open(row)
    if (secret !== '' && boundTo.key !== now.key)
      throw new Error(
        `connection "${row.name}" now points to ${now.origin}, but its secret was saved for ${boundTo.origin}: enter the secret again to use it there`,
      )
    return { ...boundTo, secret }
  }

  // Runs resolve the same few connections over and over; decrypting each time was a visible
  // share of a run's cost. Edits here clear it at once; another process's edit is seen
  // within RESOLVED_TTL_MS.
  const resolved = new Map<string, { at: number; value: Promise<BoundConnection | null> }>()
  const RESOLVED_TTL_MS = 2_000

  function resolveCached(id: string): Promise<BoundConnection | null> {
    const hit = resolved.get(id)
    if (hit && Date.now() - hit.at < RESOLVED_TTL_MS) return hit.value
    const value = resolve(id)
    value.catch(() => resolved.delete(id))
    if (resolved.size > 1_000) resolved.clear()
    resolved.set(id, { at: Date.now(), value })
    return value
  }

  async function resolve(id: string): Promise<BoundConnection | null> {
    const row = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return null
    const config = JSON.parse(row.config) as Record<string, unknown>
    const { secret, origin, key } = unseal(row, config)
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      config,
      secret,
      boundTo: { origin, key },
    } as BoundConnection
  }

  /** Workflows whose latest or published version refers to each connection. */
  async function usage(): Promise<Map<string, { workflowId: string; title: string }[]>> {
    const rows = await db
      .selectFrom('workflow_versions as v')
      .innerJoin('workflows as w', 'w.id', 'v.workflow_id')
      .select(['w.id as workflowId', 'w.title as title', 'v.model as model'])
      .where((eb) =>
        eb.or([
          eb('v.number', '=', eb.ref('w.latest_version')),
          eb('v.number', '=', eb.ref('w.published_version')),
        ]),
      )
      .where('v.model', 'like', '%connectionId%')
      .execute()
    const used = new Map<string, { workflowId: string; title: string }[]>()
    for (const row of rows) {
      for (const id of referencedIds(JSON.parse(row.model) as Workflow)) {
        const list = used.get(id) ?? []
        if (!list.some((u) => u.workflowId === row.workflowId))
          list.push({ workflowId: row.workflowId, title: row.title })
        used.set(id, list)
      }
    }
    return used
  }

  return {
    resolve,
    usage,

    /** Viewers see names and types; editors and admins also the non-secret settings, never the secret. */
    async list(role: Role, filter: { type?: ConnectionType } = {}): Promise<ConnectionSummary[]> {
      let q = db.selectFrom('connections').selectAll().orderBy('name')
      if (filter.type) q = q.where('type', '=', filter.type)
      const rows = await q.execute()
      if (role === 'viewer')
        return rows.map((r) => ({ id: r.id, name: r.name, type: r.type as ConnectionType }))
      const used = await usage()
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        type: r.type as ConnectionType,
        config: JSON.parse(r.config) as Record<string, unknown>,
        secretSet: r.secret !== '',
        createdAt: r.created_at,
        createdBy: r.created_by,
        updatedAt: r.updated_at,
        updatedBy: r.updated_by,
        secretUpdatedAt: r.secret_updated_at,
        usedBy: used.get(r.id) ?? [],
      }))
    },

    /** Id → name and type, for validating references on save and publish. */
    async catalog(): Promise<Map<string, ConnectionInfo>> {
      const rows = await db.selectFrom('connections').select(['id', 'name', 'type']).execute()
      return new Map(rows.map((r) => [r.id, r]))
    },

    async create(actor: Actor, input: ConnectionInput) {
      const config = parseConfig(input.type, input.config)
      const secret = input.secret ?? ''
      if (secret === '' && secretRequired(input.type, config))
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'secret: this connection needs a secret' })
      const id = newConnectionId()
      const at = now()
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('connections')
            .values({
              id,
              name: input.name.trim(),
              type: input.type,
              config: JSON.stringify(config),
              secret: secret === '' ? '' : seal(id, secret, secretBinding(input.type, config)),
              created_at: at,
              created_by: actor.email,
              updated_at: at,
              updated_by: actor.email,
              secret_updated_at: at,
            })
            .execute()
          await audit.record(
            {
              actor: actor.email,
              action: 'connection.create',
              details: {
                connectionId: id,
                name: input.name.trim(),
                type: input.type,
                config,
                secret: SECRET_MASK,
              },
            },
            trx,
          )
        })
      } catch (err) {
        if (isUniqueViolation(err))
          throw new TRPCError({
            code: 'CONFLICT',
            message: `A connection named "${input.name.trim()}" exists already`,
          })
        throw err
      }
      return { id }
    },

    /**
     * Rename, change settings, or rotate the secret; runs started afterwards use the new values.
     * A stored secret is bound to where it goes: settings that send it elsewhere (endpoint, base
     * URL, mail host, port or TLS, auth header) need it entered again, except by an admin,
     * whose change moves it (audited as such).
     */
    async update(
      actor: Actor & { role?: Role },
      input: { id: string; name?: string; config?: Record<string, unknown>; secret?: string },
    ) {
      const row = await requireRow(input.id)
      const type = row.type as ConnectionType
      const config = input.config
        ? parseConfig(type, input.config)
        : (JSON.parse(row.config) as Record<string, unknown>)
      const rotate = input.secret !== undefined && input.secret !== ''
      if (!rotate && row.secret === '' && secretRequired(type, config))
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'secret: this connection needs a secret' })
      const bindTo = secretBinding(type, config)
      let rebind: { from: string; to: string } | null = null
      let resealed: string | null = null
      // Settings that stop sending the secret need nothing; the seal stays as it was saved.
      if (!rotate && row.secret !== '' && secretRequired(type, config)) {
        const stored = open(row)
        if (stored.boundTo.key !== bindTo.key) {
          if (actor.role !== 'admin')
            throw new TRPCError({
              code: 'FORBIDDEN',
              message: `secret: the secret was saved for ${stored.boundTo.origin}; changing where it is sent (${describeChange(stored.boundTo, bindTo)}) needs the secret entered again, or an admin`,
            })
          rebind = { from: stored.boundTo.key, to: bindTo.key }
          resealed = seal(row.id, stored.secret, bindTo)
        }
      }
      const at = now()
      const changed = [
        input.name !== undefined && 'name',
        input.config && 'config',
        rotate && 'secret',
      ].filter((c): c is string => typeof c === 'string')
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable('connections')
            .set({
              name: input.name?.trim() ?? row.name,
              config: JSON.stringify(config),
              updated_at: at,
              updated_by: actor.email,
              ...(rotate ? { secret: seal(row.id, input.secret!, bindTo), secret_updated_at: at } : {}),
              ...(resealed ? { secret: resealed } : {}),
            })
            .where('id', '=', row.id)
            .execute()
          const details: Record<string, unknown> = {
            connectionId: row.id,
            name: input.name?.trim() ?? row.name,
            changed,
          }
          if (input.config) details.config = config
          if (rotate) details.secret = SECRET_MASK
          // An admin moved a stored secret to another destination without entering it.
          if (rebind) details.secretMoved = rebind
          await audit.record({ actor: actor.email, action: 'connection.update', details }, trx)
        })
      } catch (err) {
        if (isUniqueViolation(err))
          throw new TRPCError({
            code: 'CONFLICT',
            message: `A connection named "${input.name?.trim()}" exists already`,
          })
        throw err
      }
      resolved.delete(row.id)
      return { id: row.id, secretRotated: rotate }
    },

    /** Refused while a workflow's latest or published version still sends through it. */
    async remove(actor: Actor, id: string) {
      resolved.delete(id)
      const row = await requireRow(id)
      const users = (await usage()).get(id) ?? []
      if (users.length > 0) {
        const names = users.map((u) => `"${u.title}"`).join(', ')
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `Connection "${row.name}" is still used by ${names} (latest or published version): pick another connection there first`,
        })
      }
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('connections').where('id', '=', id).execute()
        await audit.record(
          {
            actor: actor.email,
            action: 'connection.delete',
            details: { connectionId: id, name: row.name, type: row.type },
          },
          trx,
        )
      })
      return { id }
    },

    async test(actor: Actor, id: string) {
      let conn: BoundConnection | null
      try {
        conn = await resolve(id)
      } catch (err) {
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: (err as Error).message })
      }
      if (!conn) throw new TRPCError({ code: 'NOT_FOUND', message: `No connection ${id}` })
      const result = await probeConnection(http, conn, new SecretFence([conn]))
      await audit.record({
        actor: actor.email,
        action: 'connection.test',
        details: { connectionId: id, name: conn.name, ok: result.ok, status: result.status ?? null },
      })
      return result
    },

    /** A resolver for one run: each connection is read (and decrypted) at most once per run. */
    resolverForRun(): ConnectionResolver {
      const memo = new Map<string, Promise<BoundConnection | null>>()
      return (id) => {
        let hit = memo.get(id)
        if (!hit) {
          hit = resolveCached(id)
          memo.set(id, hit)
        }
        return hit
      }
    },

    /**
     * At start: seals secrets saved before binding existed together with where their
     * settings send them now, so that from here on only a changed secret may move.
     */
    async bindLegacySecrets(): Promise<number> {
      const rows = await db.selectFrom('connections').selectAll().where('secret', '!=', '').execute()
      let bound = 0
      for (const row of rows) {
        let opened: ReturnType<typeof open>
        try {
          opened = open(row)
        } catch {
          continue // a key that differs: verifyKey reports it
        }
        if (!opened.legacy) continue
        await db
          .updateTable('connections')
          .set({ secret: seal(row.id, opened.secret, opened.boundTo) })
          .where('id', '=', row.id)
          .where('secret', '=', row.secret)
          .execute()
        bound++
      }
      if (bound > 0) logger?.info({ bound }, 'bound stored connection secrets to their hosts')
      return bound
    },

    /** At start: notices a key that differs from the one existing secrets were sealed with. */
    async verifyKey(): Promise<boolean> {
      const row = await db.selectFrom('meta').select('value').where('key', '=', KEY_CHECK).executeTakeFirst()
      if (!row) {
        await db
          .insertInto('meta')
          .values({ key: KEY_CHECK, value: box.fingerprint })
          .onConflict((oc) => oc.doNothing())
          .execute()
        return true
      }
      if (row.value === box.fingerprint) return true
      logger?.error(
        'the secret key differs from the one connection secrets were saved with: live steps using them will fail until FLOWLINE_SECRET_KEY (or secret.key) is restored',
      )
      return false
    },
  }
}

export type ConnectionService = ReturnType<typeof createConnectionService>
