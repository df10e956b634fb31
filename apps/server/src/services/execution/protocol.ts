import type { ResolvedConnection, RunDeps, WaitRequest, Wake, Workflow } from '../engine'
import type { RunJob } from '../run-queue'
import type { TestCaseOutcome } from '../runs-tests'

/**
 * Messages between the run pool (the thread serving HTTP, which owns the database and the
 * trace bus) and a run host (a worker thread executing runs). Everything is plain data, so
 * the same host code runs in a thread or, for tests with injected clients, inline.
 */

/** A run to execute: its job, plus stored state when it continues after a wait or a restart. */
export interface StartRun {
  t: 'start'
  job: RunJob
  /** Which watchdog slot the run reports its steps in. */
  slot: number
  /** The model, sent the first time a host sees this workflow version (cached there by `modelKey`). */
  model?: Workflow
  modelKey: string
  /** JSON of the engine's RunState: a checkpoint or a suspended run. */
  state?: string
  /** Step outputs from the stored trace, when the checkpoint left them there (run-host `serializeState`). */
  traceOutputs?: Record<string, unknown>
  /** What the suspended run waited for (an event, a decision): it goes on along this branch. */
  wake?: Wake
  /** Gather the run's path for the analytics rollup (live runs executed from their first step). */
  path?: boolean
  /**
   * The connections the model's steps name, resolved by the pool before the start, so the
   * run need not ask for each one on its way (a thread round trip per step); a missing one
   * is asked for as before.
   */
  connections?: Record<string, ResolvedConnection | null>
}

/** For an event arriving at a workflow: the keys it resumes waiting runs under, per wait-for-event step. */
export interface WaitKeysOf {
  t: 'wait-keys'
  runId: string
  slot: number
  model?: Workflow
  modelKey: string
  nodeIds: string[]
  event: unknown
}

/** The saved test cases of a model, judged in a host like runs (dry, with their mocks). */
export interface RunTests {
  t: 'tests'
  /** Names the job in replies (and connection lookups), like a run id. */
  runId: string
  slot: number
  model: Workflow
}

/** Does a workflow's start filter let this event in (DESIGN §4 start.filter)? */
export interface FilterEvent {
  t: 'filter'
  runId: string
  slot: number
  /** Sent the first time a host sees this version, like a run's model. */
  model?: Workflow
  modelKey: string
  event: unknown
}

export type ToHost =
  | StartRun
  | RunTests
  | FilterEvent
  | WaitKeysOf
  | { t: 'cancel'; runId: string }
  /** The pool stopped tracking which models the host has: drop them (memory stays bounded). */
  | { t: 'forget-models' }
  | { t: 'ack'; id: number }
  | { t: 'resolved'; id: number; connection: ResolvedConnection | null; error?: string }
  | { t: 'stored'; id: number; value?: unknown; error?: string }

/** Trace events as stored: one JSON array of `count` events (see the `events` message). */
export interface TraceText {
  data: string
  count: number
}

export type FromHost =
  /**
   * A run's next `count` trace events as stored: one JSON array of them (oversized fields
   * replaced, no runId), which becomes one stored row as it is. Only text crosses the thread
   * boundary, one string per run and flush; the pool parses it only when someone watches
   * the run live.
   */
  | ({ t: 'events'; runId: string } & TraceText)
  /**
   * Store the state and answer `ack` before the run's next side effect goes out. `events`:
   * the run's trace events since its last post, stored first (one message, not two).
   */
  | { t: 'checkpoint'; runId: string; id: number; state: string; events?: TraceText }
  /**
   * The run waits at `nodeId` until `resumeAt` (null: no timeout) or, with `waitFor`, until
   * what it waits for arrives.
   */
  | {
      t: 'suspended'
      runId: string
      nodeId: string
      state: string
      resumeAt: string | null
      waitFor?: WaitRequest
    }
  | {
      t: 'finished'
      runId: string
      status: 'succeeded' | 'failed' | 'cancelled'
      error: string | null
      /** The engine traced `run.finished` itself (else the pool adds it). */
      traced: boolean
      /** What the run touched (analytics/run-path.ts), when the start asked for it. */
      path: string | null
      /** Its last trace events, as with a checkpoint. */
      events?: TraceText
    }
  | { t: 'resolve'; runId: string; id: number; connectionId: string }
  /** A data-store node's operation, carried out by the pool on the database. */
  | { t: 'store'; runId: string; id: number; op: StoreOp; args: unknown[] }
  | { t: 'tests-done'; runId: string; outcomes: TestCaseOutcome[] }
  | { t: 'filter-done'; runId: string; accepted: boolean }
  | { t: 'wait-keys-done'; runId: string; keys: Record<string, string | null> }

export type StoreOp = 'get' | 'set' | 'delete' | 'increment'

/** Settings a host needs to build its HTTP client and clock; serializable for workerData. */
export interface HostConfig {
  /** FLOWLINE_ALLOW_HOSTS */
  allowHosts?: string
  /** This server's origin: the demo recommender is reachable there. */
  selfUrl: string
  /** Added to the run clock (FLOWLINE_CLOCK_SKEW_MS, for tests of long waits). */
  clockSkewMs: number
  /** Serializable run settings (HTTP retry policy, limits). */
  http?: RunDeps['http']
  limits?: RunDeps['limits']
  /** Seals the stored state of runs holding generated secrets; derived from the server's key (sealed-state.ts). */
  stateKey?: Uint8Array
}

export const versionKey = (job: RunJob): string =>
  job.version === null ? `draft:${job.runId}` : `${job.workflowId}@${job.version}`
