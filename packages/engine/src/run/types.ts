import type { ConnectionResolver } from '../nodes/shared/connections'
import type { DataStore } from '../nodes/shared/data-store'
import type { HttpPolicy } from '../nodes/shared/http-policy'
import type { SendMail } from '../nodes/shared/mail'
import type { FetchLike, WaitRequest } from '../nodes/types'
import type { CancelSignal } from './cancellation'
import type { RunSecret } from './secrets'
import type { RecordedRequest, TraceEvent, TraceListener } from './trace'

export interface RunLimits {
  /** How often one node may run in one run (loops). */
  maxVisitsPerNode: number
  /** Steps over the whole run. */
  maxSteps: number
  /** Wall-clock time the run may compute (time suspended at a wait does not count). */
  timeoutMs: number
}

export const DEFAULT_LIMITS: RunLimits = { maxVisitsPerNode: 100, maxSteps: 10_000, timeoutMs: 30_000 }

export interface RunOptions {
  /** The Segment event that triggers the run. */
  event: unknown
  /**
   * The trigger node the run starts at (the schedule that fired); the workflow's other
   * triggers are skipped. Default: its event triggers (run/starts.ts).
   */
  startAt?: string
  runId?: string
  /** Pinned outputs by node id: the node "runs" instantly with this output (like pinned data). */
  mocks?: Record<string, unknown>
  /** Side-effect steps record their request instead of sending it. Default true. */
  dryRun?: boolean
  /** Waits advance a virtual clock instead of suspending the run. Default: same as dryRun. */
  skipWaits?: boolean
  /**
   * Test runs with someone watching: steps waiting for an event or a decision suspend even
   * though waits are skipped, so the person picks the branch (`resumeRun` with a `wake`).
   * Otherwise (the CLI, saved test cases) such a step takes its timeout on the virtual clock,
   * unless a mock chooses its branch.
   */
  askAtWaits?: boolean
  /** Called synchronously for every trace event as it happens. */
  onEvent?: TraceListener
  /** Keep the trace in RunResult.events. Default true. */
  recordEvents?: boolean
  limits?: Partial<RunLimits>
  /** HTTP client for HTTP and Braze steps; default globalThis.fetch. */
  fetch?: FetchLike
  /** Retries and backoff of HTTP calls (and of node-level retries); defaults suit live delivery. */
  http?: Partial<HttpPolicy>
  /**
   * Credentials of the connections steps refer to (`connectionId`), looked up when a step
   * runs. Without it, dry runs record Braze requests against a placeholder endpoint and
   * live steps that need a connection fail.
   */
  resolveConnection?: ConnectionResolver
  /**
   * The stores data-store steps read and write: the server's database, a memory store in the
   * CLI. Without one, data-store steps fail saying so. Dry runs only read it.
   */
  dataStore?: DataStore
  /**
   * The SMTP transport of send-email steps (the server's, behind its outbound guard). Without
   * one, dry runs still record the message and live sends fail saying so.
   */
  sendMail?: SendMail
  /** Clock in epoch ms; default Date.now. Waits in test runs add to it virtually. */
  now?: () => number
  /**
   * Durable runs (DESIGN §4): called with the run's state at step boundaries. Before every
   * live side-effect step `mustStore` is true and the returned promise is awaited, so
   * everything finished so far is stored before the call goes out. After a step that waited
   * for I/O it is false: store it when convenient (batched), the run goes on at once. The
   * state is live: serialize it before returning. A run resumed from it never repeats the
   * steps it holds. A state with `secrets` holds them in clear: store it encrypted.
   */
  checkpoint?: (state: RunState, mustStore: boolean) => void | Promise<void>
  /**
   * A step that waited at least this long for I/O (a slow API call) gets a checkpoint after
   * it (`mustStore` false), so a restart does not repeat it. Default 50; 0: after every call.
   */
  checkpointAfterMs?: number
  /** Aborting it cancels the run: in-flight requests are aborted and the run ends `cancelled`. */
  signal?: CancelSignal
}

export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'waiting'

export interface StepResult {
  status: StepStatus
  output?: unknown
  input?: unknown
  /** The HTTP request the step sent, or in a dry run would have sent (secrets masked). */
  request?: RecordedRequest
  error?: string
  durationMs: number
  /** How many times the node ran (loops run a node more than once; this is its last visit). */
  visits: number
  mocked?: boolean
  skippedWait?: boolean
  /** Steps that split their work into several calls: every request (the first is also `request`). */
  requests?: RecordedRequest[]
  /** How many times the step ran this visit when `onError: "retry"` retried it. */
  attempts?: number
  /** The step failed and `onError: "continue"` sent the run along its error branch; `output` is `{error}`. */
  continued?: boolean
}

export type RunStatus = 'running' | 'suspended' | 'succeeded' | 'failed' | 'cancelled'

/**
 * Everything a run needs to continue, as plain JSON: a live run that reaches a wait is
 * stored as this and resumed later, possibly by another process. Per-node arrays are
 * indexed by the node's position in the workflow (checked against `nodeIds` on resume).
 */
export interface RunState {
  version: 1
  runId: string
  nodeIds: string[]
  status: RunStatus
  dryRun: boolean
  skipWaits: boolean
  /** RunOptions.askAtWaits */
  askAtWaits?: boolean
  event: unknown
  /** Finished nodes' outputs: the `steps` of expressions. */
  steps: Record<string, unknown>
  vars: Record<string, unknown>
  results: Record<string, StepResult>
  visits: number[]
  /** Per node: incoming forward edges that fired or were ruled out in the current pass. */
  resolved: number[]
  /** Per node: 1 when at least one of those fired. */
  fired: number[]
  /** Per node: the predecessor whose edge fired last (-1: none, the input is the event). */
  inputFrom: number[]
  /** Nodes ready to run, in order. */
  queue: number[]
  /** Edges inside loops not taken yet; ruled out when the run has nothing else to do. */
  deferred: number[]
  stepCount: number
  /** Virtual time added by skipped waits. */
  skippedMs: number
  /** Compute time used by earlier segments of the run (before a suspension). */
  activeMs: number
  /**
   * Set while suspended at a wait: until when (epoch ms on the run clock; null: a wait for
   * something from outside with no timeout) and, for those, what it waits for.
   */
  waiting?: { node: number; until: number | null; since: number; for?: WaitRequest }
  error?: string
  /**
   * Values steps generated that must never be shown (generate-secret), kept so a resumed run
   * goes on masking them. They are in clear here and wherever steps copied them (`steps`,
   * `vars`, `results`): trace events and RunResult fields other than `state` are masked, and
   * whoever stores a state holding them must encrypt it.
   */
  secrets?: RunSecret[]
}

export interface RunResult {
  runId: string
  status: 'succeeded' | 'failed' | 'suspended' | 'cancelled'
  error?: string
  steps: Record<string, StepResult>
  vars: Record<string, unknown>
  /** The trace of this call (of this segment, for a resumed run). */
  events?: TraceEvent[]
  durationMs: number
  /** Suspended runs: the state to pass to resumeRun, and when the wait ends (absent: no timeout). */
  state?: RunState
  resumeAt?: string
  /** Suspended runs waiting for an event or a decision: what for. */
  waitingFor?: WaitRequest
}
