import type { Generated } from 'kysely'

/**
 * Kysely table types. Portable across SQLite and PostgreSQL: timestamps are ISO-8601 text
 * (sortable as text), booleans are 0/1 integers and JSON is stored as text.
 */
export type Role = 'admin' | 'editor' | 'viewer'
export type RunKind = 'test' | 'production'
/**
 * queued (accepted, committed) → running → succeeded | failed | cancelled; a live run at a
 * wait step is `waiting` until `resume_at`. Nothing accepted ends any other way (DESIGN §4).
 */
export type RunStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled'

export interface UsersTable {
  id: string
  email: string
  password_hash: string
  role: Role
  created_at: string
  /** Set when an admin deactivates the account: no sign-in, no session (0008-people). */
  deactivated_at?: string | null
}

/** One-time set-password links (invitations and resets); the token itself is never stored. */
export interface PasswordTokensTable {
  /** sha256 of the token in the link. */
  token_hash: string
  user_id: string
  purpose: 'invite' | 'reset'
  created_at: string
  /** Email of the admin who issued it. */
  created_by: string
  expires_at: string
  /** Set when the link is used: a second use is refused. */
  used_at: string | null
}

export interface SessionsTable {
  /** sha256 of the cookie token: a leaked database does not hand out live sessions. */
  token_hash: string
  user_id: string
  created_at: string
  expires_at: string
}

export interface WorkflowsTable {
  id: string
  title: string
  archived: number
  latest_version: number
  published_version: number | null
  webhook_secret: string | null
  created_at: string
  created_by: string
  updated_at: string
  updated_by: string
}

export interface VersionsTable {
  workflow_id: string
  number: number
  model: string
  issues: string
  error_count: number
  warning_count: number
  author: string
  message: string | null
  created_at: string
  published_at: string | null
}

export interface RunsTable {
  id: string
  workflow_id: string
  /** null for a test run of an unsaved draft (its model is then kept in `model`). */
  version: number | null
  model: string | null
  kind: RunKind
  status: RunStatus
  trigger: string
  dry_run: number
  message_id: string | null
  event: string
  mocks: string | null
  error: string | null
  actor: string | null
  started_at: string
  finished_at: string | null
  duration_ms: number | null
  /**
   * The engine's serialized RunState: the last checkpoint of a running run (stored before each
   * side effect), or a waiting run's state. Null when the run has not checkpointed or is over.
   */
  state: string | null
  /** When a waiting run continues (the wait scheduler's index). */
  resume_at: string | null
  /** The failed or cancelled run this one retries. */
  retry_of: string | null
  /** The trigger node the run starts at (the schedule that fired); null: the event start. */
  trigger_node?: string | null
  /**
   * JSON of the engine's Wake: what ended a wait for an event or a decision, for the run's next
   * segment. Null otherwise.
   */
  wake: string | null
  /**
   * What the run touched (sorted JSON of r:/s:/f:node, t:edge), written by the run pool with
   * its end status so the analytics trigger need not parse its trace; null otherwise.
   */
  analytics_path?: string | null
}

/** What a run waiting for an event or a decision waits for (services/waiting-runs.ts). */
export interface RunWaitsTable {
  run_id: string
  workflow_id: string
  /** null for a test run of an unsaved draft. */
  version: number | null
  node_id: string
  kind: 'event' | 'approval'
  /** Events: the correlation key an incoming event must give. */
  wait_key: string | null
  /** 1: a test run, which goes on only by the choice of the person testing (or an approval). */
  test: number
  /** Approvals: JSON {assignees, title, details}. */
  task: string | null
  /** The timeout (ISO), null: none. */
  until: string | null
  created_at: string
}

/**
 * Trace events a batch per row: `data` is a JSON array of the events with sequence numbers
 * first_seq…last_seq, in order (services/run-store/trace-rows.ts).
 */
export interface RunTraceTable {
  run_id: string
  first_seq: number
  last_seq: number
  data: string
}

export interface AuditTable {
  id: Generated<number>
  at: string
  actor: string
  action: string
  workflow_id: string | null
  details: string
}

export interface ConnectionsTable {
  id: string
  name: string
  type: string
  /** Non-secret settings as JSON (REST endpoint, base URL, auth scheme). */
  config: string
  /** AES-256-GCM ciphertext of the secret (services/secret-box.ts); never returned by any procedure. */
  secret: string
  created_at: string
  created_by: string
  updated_at: string
  updated_by: string
  secret_updated_at: string
}

/** Schedule triggers of published versions (services/schedules/). */
export interface SchedulesTable {
  workflow_id: string
  node_id: string
  /** The published version the schedule belongs to. */
  version: number
  /** 5 fields, normalized (single spaces). */
  cron: string
  /** IANA zone the cron is read in. */
  timezone: string
  /** The next occurrence (ISO, UTC); null: the cron never comes round again. */
  next_at: string | null
  /** The last occurrence that started a run. */
  last_at: string | null
  updated_at: string
}

/** The data-store node's values (services/data-store.ts). */
export interface DataStoreTable {
  store: string
  key: string
  /** JSON */
  value: string
  /** Epoch ms; null: no expiry. PostgreSQL returns bigint as text. */
  expires_at: number | string | null
  updated_at: string
}

/** A Segment-compatible source: apps send to /v1/* with its write key (services/sources.ts). */
export interface SourcesTable {
  id: string
  name: string
  write_key: string
  created_at: string
  created_by: string
}

export interface SourceSubscriptionsTable {
  source_id: string
  workflow_id: string
  created_at: string
  created_by: string
}

/** A source's last 50 messages, as a ring of slots. */
export interface SourceMessagesTable {
  source_id: string
  slot: number
  seq: number
  received_at: string
  message_id: string
  type: string
  /** What the message was, in a line: "track Order Completed · user-1". */
  summary: string
  /** JSON [{workflowId, runId}] */
  runs: string
}

/** Step and branch counts per hour of runs' starts (0010-analytics-rollup; kept by triggers). */
export interface AnalyticsRollupTable {
  workflow_id: string
  /** 'YYYY-MM-DDTHH' (UTC) of the run's started_at. */
  bucket: string
  version: number
  /** path: finished runs by end status and path; waiting: runs waiting at a node now. */
  metric: 'path' | 'waiting'
  /** path: '<status>|<analytics_paths.id>'; waiting: the node id. */
  item: string
  /** PostgreSQL: the writing connection's pid (no two transactions update one row); SQLite: 0. */
  shard: number
  /** PostgreSQL sums come back as text (bigint). */
  count: number
}

/** Each distinct run path once: the sorted JSON array of r:/s:/f:node and t:edge tokens. */
export interface AnalyticsPathsTable {
  id: Generated<number>
  signature: string
}

/** The node each waiting production run waits at, so resuming takes its count back. */
export interface AnalyticsWaitingTable {
  run_id: string
  node_id: string
}

/** One-row-per-key guard table (e.g. the first-admin setup can only happen once, even concurrently). */
export interface MetaTable {
  key: string
  value: string
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  password_tokens: PasswordTokensTable
  workflows: WorkflowsTable
  workflow_versions: VersionsTable
  runs: RunsTable
  run_trace: RunTraceTable
  schedules: SchedulesTable
  run_waits: RunWaitsTable
  sources: SourcesTable
  source_subscriptions: SourceSubscriptionsTable
  source_messages: SourceMessagesTable
  data_store: DataStoreTable
  audit_log: AuditTable
  meta: MetaTable
  analytics_rollup: AnalyticsRollupTable
  analytics_waiting: AnalyticsWaitingTable
  analytics_paths: AnalyticsPathsTable
  connections: ConnectionsTable
}
