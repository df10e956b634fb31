/** Trace events of DESIGN §4: the same stream drives the CLI, stored run history and the live canvas. */
export type RunStatus = 'succeeded' | 'failed'

interface TraceBase {
  runId: string
  /** ISO timestamp (virtual clock time in test runs that skip waits). */
  at: string
}

export type TraceEvent =
  | (TraceBase & { type: 'run.started'; workflowTitle?: string; dryRun: boolean; event: unknown })
  | (TraceBase & { type: 'node.started'; nodeId: string; input?: unknown })
  | (TraceBase & {
      type: 'node.finished'
      nodeId: string
      output: unknown
      durationMs: number
      /** HTTP-speaking steps: the request sent, or in a dry run the one that would have been (secrets masked). */
      request?: RecordedRequest
      mocked?: boolean
      skippedWait?: boolean
    })
  | (TraceBase & { type: 'node.failed'; nodeId: string; error: string; durationMs: number })
  | (TraceBase & { type: 'node.skipped'; nodeId: string; reason: 'ruled-out' })
  | (TraceBase & { type: 'edge.taken'; edgeId: string; source: string; target: string })
  /** A live run reached a wait: its state is stored and it continues after `until`. */
  | (TraceBase & { type: 'run.suspended'; nodeId: string; until: string })
  | (TraceBase & { type: 'run.resumed'; nodeId: string })
  | (TraceBase & { type: 'run.finished'; status: RunStatus; error?: string; durationMs: number })

export interface RecordedRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: unknown
}

export type TraceListener = (event: TraceEvent) => void
