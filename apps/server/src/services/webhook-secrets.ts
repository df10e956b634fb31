import { randomBytes } from 'node:crypto'
import type {
  ColumnNode,
  ColumnUpdateNode,
  InsertQueryNode,
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  PrimitiveValueListNode,
  QueryResult,
  RootOperationNode,
  UnknownRow,
  UpdateQueryNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
} from 'kysely'
import type { Logger } from 'pino'
import type { Db } from '../db'
import type { SecretBox } from './secret-box'

const COLUMN = 'webhook_secret'
/** Sealed values are told apart from secrets stored in clear before sealing existed. */
const PREFIX = 'sealed:'
const AAD = 'workflows.webhook_secret'
const CACHE_LIMIT = 1_000

/**
 * The webhook signing secret at rest (DESIGN §6): sealed with the SecretBox in the storage
 * layer itself, a Kysely plugin, so code that sets it (`.set({ webhook_secret })`) or reads a
 * workflow row keeps working with the plain value while the database only ever holds
 * `sealed:v1.…`. The webhook's hot path reads the column with raw driver queries and opens it
 * here; opening is cached by sealed value (a new secret is a new value, so the cache is never
 * stale), which keeps deliveries at one AES-GCM decryption per secret, not per request.
 */
export function createWebhookSecrets(box: SecretBox, logger?: Logger) {
  const opened = new Map<string, string>()
  // When a secret cannot be opened (another key), no signature can match it: a random key.
  const unusable = randomBytes(32).toString('hex')
  let warned = false

  const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX)
  const seal = (plain: string) => `${PREFIX}${box.encrypt(plain, AAD)}`

  /** The plain secret of a stored value (sealed or, before sealing ran, in clear). */
  function open<T extends string | null>(stored: T): T | string {
    if (!isSealed(stored)) return stored
    const hit = opened.get(stored)
    if (hit !== undefined) return hit
    let plain: string
    try {
      plain = box.decrypt(stored.slice(PREFIX.length), AAD)
    } catch {
      if (!warned)
        logger?.error(
          'a webhook signing secret cannot be decrypted with this secret key: its deliveries are refused until the key is restored or the secret is set again',
        )
      warned = true
      return unusable
    }
    if (opened.size >= CACHE_LIMIT) opened.clear()
    opened.set(stored, plain)
    return plain
  }

  const sealValue = (value: unknown) => (typeof value === 'string' && !isSealed(value) ? seal(value) : value)

  function sealNode(node: OperationNode): OperationNode {
    if (node.kind !== 'ValueNode') return node
    const v = node as ValueNode
    const value = sealValue(v.value)
    return value === v.value ? node : ({ ...v, value } as ValueNode)
  }

  const isColumn = (node: OperationNode | undefined) =>
    node?.kind === 'ColumnNode' && (node as ColumnNode).column.name === COLUMN

  function sealInsert(node: InsertQueryNode): InsertQueryNode {
    const at = node.columns?.findIndex((c) => isColumn(c)) ?? -1
    if (at < 0 || node.values?.kind !== 'ValuesNode') return node
    const values = node.values as ValuesNode
    const rows = values.values.map((row) => {
      if (row.kind === 'PrimitiveValueListNode') {
        const list = [...(row as PrimitiveValueListNode).values]
        list[at] = sealValue(list[at])
        return { ...row, values: list } as PrimitiveValueListNode
      }
      const list = [...(row as ValueListNode).values]
      list[at] = sealNode(list[at])
      return { ...row, values: list } as ValueListNode
    })
    return { ...node, values: { ...values, values: rows } as ValuesNode }
  }

  const plugin: KyselyPlugin = {
    transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
      if (node.kind === 'UpdateQueryNode') {
        const updates = (node as UpdateQueryNode).updates
        if (!updates?.some((u) => isColumn(u.column))) return node
        return {
          ...node,
          updates: updates.map(
            (u): ColumnUpdateNode => (isColumn(u.column) ? { ...u, value: sealNode(u.value) } : u),
          ),
        } as UpdateQueryNode
      }
      if (node.kind === 'InsertQueryNode') return sealInsert(node as InsertQueryNode)
      return node
    },
    async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const rows = result.rows
      if (rows.length === 0 || !(COLUMN in rows[0])) return result
      return {
        ...result,
        rows: rows.map((r) => (isSealed(r[COLUMN]) ? { ...r, [COLUMN]: open(r[COLUMN]) } : r)),
      }
    },
  }

  return {
    /** Install on the services' Kysely instance: `db.withPlugin(webhookSecrets.plugin)`. */
    plugin,
    open,
    /**
     * At start: seals secrets stored in clear by earlier versions. `db` must be the instance
     * without the plugin, which reads the column as stored.
     */
    async sealStored(db: Db): Promise<number> {
      const rows = await db
        .selectFrom('workflows')
        .select(['id', COLUMN])
        .where(COLUMN, 'is not', null)
        .where(COLUMN, 'not like', `${PREFIX}%`)
        .execute()
      for (const row of rows)
        await db
          .updateTable('workflows')
          .set({ [COLUMN]: seal(row.webhook_secret as string) })
          .where('id', '=', row.id)
          .where(COLUMN, '=', row.webhook_secret)
          .execute()
      if (rows.length > 0)
        logger?.info({ sealed: rows.length }, 'sealed webhook signing secrets stored in clear')
      return rows.length
    },
  }
}

export type WebhookSecrets = ReturnType<typeof createWebhookSecrets>
