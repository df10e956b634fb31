import type { ExpressionScope } from '../expressions/evaluate'
import type { WorkflowEdge, WorkflowNode } from '../model/schema'
import type { CancelSignal } from '../run/cancellation'
import type { RunSecret } from '../run/secrets'
import type { RecordedRequest } from '../run/trace'
import type { ConnectionResolver } from './shared/connections'
import type { DataStore } from './shared/data-store'
import type { HttpPolicy } from './shared/http-policy'
import type { SendMail } from './shared/mail'

/** The subset of `fetch` executors use, so the server can inject a guarded client. */
export type FetchLike = ((
  url: string,
  init: {
    method: string
    headers: Record<string, string>
    body?: string
    /** An AbortSignal, except for clients that keep time themselves (`enforcesTimeout`). */
    signal?: CancelSignal
    /**
     * Names of headers carrying credentials: a client that follows redirects drops them when
     * the redirect leaves the origin (as fetch does for Authorization). Plain fetch ignores it.
     */
    sensitiveHeaders?: string[]
    /** The call's time limit, for clients that keep it themselves (`enforcesTimeout`). */
    timeoutMs?: number
  },
) => Promise<{
  status: number
  headers: { forEach(cb: (value: string, key: string) => void): void }
  text(): Promise<string>
}>) & {
  /**
   * The client ends a call after `timeoutMs` with an error named "TimeoutError" and stops
   * on `signal` itself: executors then pass the run's signal and the limit as they are,
   * instead of an AbortController, timer and listener per call (plain fetch: unset).
   */
  readonly enforcesTimeout?: boolean
}

export interface ExecuteContext {
  runId: string
  nodeId: string
  /** How many times this node has run in this run, this visit included (loops): part of idempotency keys. */
  visit: number
  /** `{event, steps, vars}`; `vars` may be written by transforms. */
  scope: ExpressionScope
  /** Output of the predecessor whose edge started this node (the event for a start node). */
  input: unknown
  dryRun: boolean
  fetch: FetchLike
  /** Retries, backoff and Retry-After limits for HTTP calls. */
  http: HttpPolicy
  /** Credentials by connection id; undefined where no connection store exists (e.g. the CLI). */
  resolveConnection: ConnectionResolver | undefined
  /** Named key-value stores shared by all runs (data-store steps); undefined where none was given. */
  dataStore: DataStore | undefined
  /** The SMTP transport of send-email steps; undefined where none was given (the CLI, the browser). */
  sendMail: SendMail | undefined
  /** The run's clock in epoch ms: virtual in test runs, where waits advance it. */
  now(): number
  /** Aborted when the run exceeds its time limit. */
  signal: CancelSignal | undefined
}

export interface StepOutcome {
  output: unknown
  /** HTTP-speaking steps: the request sent, or in a dry run the one that would have been (secrets masked). */
  request?: RecordedRequest
  /** Steps that split their work into several calls (Braze batches): every request, in order. */
  requests?: RecordedRequest[]
  /** Wait steps: when the run may continue (epoch ms on the run clock). */
  waitUntil?: number
  /** Wait steps: the run clock `waitUntil` was counted from; a skipped wait lasts from here, however long the step took. */
  waitFrom?: number
  /**
   * Steps that wait for something from outside (an event, a person's decision): the run
   * suspends until it arrives (`resumeRun` with a `wake`) or the timeout, when the step
   * takes its `timeout` branch. Test runs without someone to ask take the timeout at once.
   */
  waitFor?: WaitRequest
  /** Types with `routing: 'one'`: the label of the outgoing edge the run takes. */
  branch?: string
  /** No outgoing edge fires: the run goes no further from here (a start whose filter rejects the event). */
  stop?: boolean
  /**
   * Values in `output` that must never be shown in clear (generate-secret): later steps use
   * them, traces and run results show `shown` (a fingerprint) wherever they appear.
   */
  secrets?: RunSecret[]
}

/** What a suspended run waits for, stored with it so the server can find it again. */
export type WaitRequest =
  | {
      kind: 'event'
      /** The correlation key of the run's own event: an incoming event with the same key resumes it. */
      key: string
      /** Epoch ms of the timeout on the run clock; null waits as long as it takes. */
      until: number | null
    }
  | {
      kind: 'approval'
      /** Roles (`admin`, `editor`) and e-mail addresses that may decide. */
      assignees: string[]
      title: string
      details: string
      until: number | null
    }

/** What ends a wait for something from outside: the branch it takes and the step's output. */
export interface Wake {
  branch: string
  output: unknown
  /** Why the run goes on, for its trace: an event, a person's decision, or a test run's choice. */
  reason: 'event' | 'approval' | 'choice'
  /** Who decided (approvals, choices). */
  by?: string
}

export type MaybePromise<T> = T | Promise<T>

/**
 * The runtime half of a node type. `prepare` runs once per workflow (compiling every
 * expression of the node's config); `execute` runs per visit and returns synchronously
 * whenever it can, so the executor only awaits real I/O or slow-path JSONata.
 */
export interface NodeExecutor<C = unknown, P = unknown> {
  /** `outgoing`: the node's outgoing edges, in workflow order (branch labels for `routing: 'one'`). */
  prepare(config: C, node: WorkflowNode, outgoing: readonly WorkflowEdge[]): P
  execute(prepared: P, ctx: ExecuteContext): MaybePromise<StepOutcome>
  /**
   * `routing: 'one'` types: the branch a pinned output (a mock) takes, so a mocked step routes
   * as the real one would. Without it a mock's output names the branch itself: a string, or
   * an object's `branch` field.
   */
  branchOf?(prepared: P, output: unknown): string | undefined
  /** Per-node side-effect flag when the type's flag is not the whole story. */
  sideEffect?(prepared: P): boolean
}
