import type { Wake } from '../nodes/types'

/** Trace events of DESIGN §4: the same stream drives the CLI, stored run history and the live canvas. */
export type RunStatus = 'succeeded' | 'failed' | 'cancelled'

interface TraceBase {
  runId: string
  /** ISO timestamp (virtual clock time in test runs that skip waits). */
  at: string
}

export type TraceEvent =
  | (TraceBase & { type: 'run.started'; workflowTitle?: string; dryRun: boolean; event: unknown })
  /** `attempt` (from 2) when `onError: "retry"` runs the step again. */
  | (TraceBase & { type: 'node.started'; nodeId: string; input?: unknown; attempt?: number })
  | (TraceBase & {
      type: 'node.finished'
      nodeId: string
      output: unknown
      durationMs: number
      /** HTTP-speaking steps: the request sent, or in a dry run the one that would have been (secrets masked). */
      request?: RecordedRequest
      /** Steps that made several calls (Braze batches): all of them, in order. */
      requests?: RecordedRequest[]
      mocked?: boolean
      skippedWait?: boolean
    })
  /**
   * A step failed. With per-node error handling the run may go on: `retryInMs` says it runs
   * again after that pause (`attempt` is the one that failed); `continued` says the run
   * follows the step's `error` edges with `output` (`{error: {message, …}}`) as its result.
   */
  | (TraceBase & {
      type: 'node.failed'
      nodeId: string
      error: string
      durationMs: number
      attempt?: number
      retryInMs?: number
      continued?: boolean
      output?: unknown
    })
  | (TraceBase & { type: 'node.skipped'; nodeId: string; reason: 'ruled-out' })
  | (TraceBase & { type: 'edge.taken'; edgeId: string; source: string; target: string })
  /**
   * An edge that will not fire: a branch a `routing: 'one'` step did not take, the error edge
   * of a step that succeeded (or the others of one that continued on its error), or an edge
   * out of a ruled-out node. Edges inside loops are reported once no further pass can take them.
   */
  | (TraceBase & { type: 'edge.skipped'; edgeId: string; source: string; target: string })
  /**
   * A live run reached a wait: its state is stored and it continues after `until`, or, waiting
   * `for` an event or a person's decision, when that arrives (`until` is then the timeout;
   * absent: none).
   */
  | (TraceBase & {
      type: 'run.suspended'
      nodeId: string
      until?: string
      for?: 'event' | 'approval'
      /** Approvals: the task's title and who may decide. */
      title?: string
      assignees?: string[]
    })
  /**
   * The run continues: after its wait (`reason: 'wait'`, `nodeId` the wait step), when what it
   * waited for arrived (`event`, `approval`, or a test run's `choice`, with the `branch` taken
   * and `by` whom), or from its last checkpoint after the process or thread running it
   * stopped (`reason: 'restart'`; finished steps are not run again).
   */
  | (TraceBase & {
      type: 'run.resumed'
      reason: 'wait' | 'restart' | 'timeout' | Wake['reason']
      nodeId?: string
      branch?: string
      by?: string
    })
  | (TraceBase & { type: 'run.finished'; status: RunStatus; error?: string; durationMs: number })

export interface RecordedRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: unknown
  /** Set when transient failures (connection errors, 429, 5xx) made the call go out more than once. */
  attempts?: number
}

export type TraceListener = (event: TraceEvent) => void
