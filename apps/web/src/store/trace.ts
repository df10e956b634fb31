import type { RecordedRequest, TraceEvent } from '../lib/engine'

/** `waiting`: a live run is suspended at this (wait) step; `cancelled`: a person stopped the run here. */
export type NodeRunStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled'
/** `cut-off`: the server restarted mid-step; the run went on from its last checkpoint and ran it again. */
export type StepStatus = NodeRunStatus | 'cut-off'
export type EdgeRunStatus = 'taken' | 'ruled-out'
export type RunTraceStatus = 'idle' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled'

/** One node's latest visit in the run on the canvas. */
export interface NodeTrace {
  status: NodeRunStatus
  startedAt?: string
  durationMs?: number
  output?: unknown
  error?: string
  request?: RecordedRequest
  requests?: RecordedRequest[]
  mocked?: boolean
  skippedWait?: boolean
  /** Retries: the attempt running or that failed (from 2). */
  attempt?: number
  /** The failure was handled: the run followed the step's error edges. */
  continued?: boolean
  /** The node whose output this visit received (`null`: the event itself). */
  inputFrom: string | null
  visits: number
}

/** A line of the step list: every visit, retry and ruling-out, in the order it happened. */
export interface TraceStep {
  nodeId: string
  status: StepStatus
  at: string
  durationMs?: number
  attempt?: number
  error?: string
}

export interface RunTrace {
  runId: string | null
  status: RunTraceStatus
  dryRun: boolean
  startedAt?: string
  durationMs?: number
  error?: string
  event?: unknown
  /** Keyed by node id: a node component reads only its own entry. */
  nodes: Record<string, NodeTrace>
  edges: Record<string, EdgeRunStatus>
  steps: TraceStep[]
  /** While the run waits at a wait step: when it continues (ISO). */
  waitingUntil?: string
  /** While the run waits: at which step, and for what (a time, an event, a person's decision). */
  waitingFor?: RunWait
  /** Where the run continued after a pause, shown between the steps. */
  resumes: TraceResume[]
  /** Where each node's next input comes from (the engine's `inputFrom`), filled by edge.taken. */
  pendingInput: Record<string, string>
  /** Index in `steps` of each node's open visit. */
  openStep: Record<string, number>
}

/** What a suspended run waits for, from its `run.suspended` event. */
export interface RunWait {
  nodeId: string
  kind: 'time' | 'event' | 'approval'
  /** When it continues (time) or times out (event, approval); absent: no limit. */
  until?: string
  /** Approvals: the task's title and who may decide. */
  title?: string
  assignees?: string[]
}

/**
 * The run continued: after its wait (`wait`), when what it waited for arrived (`event`, a
 * person's `approval`, a tester's `choice`) or did not in time (`timeout`), or after the
 * server restarted or replaced a worker (`restart`), from its last checkpoint; steps that
 * had finished were not run again.
 */
export interface TraceResume {
  at: string
  reason: 'wait' | 'restart' | 'timeout' | 'event' | 'approval' | 'choice'
  nodeId?: string
  /** The branch the waiting step took (`received`, `approved`, `timeout` …). */
  branch?: string
  /** Who decided or chose. */
  by?: string
  /** How many steps came before it: the list shows it right after them. */
  beforeStep: number
  /** The restart came before the first checkpoint: the run began again from its start. */
  startedOver?: boolean
}

export const EMPTY_TRACE: RunTrace = {
  runId: null,
  status: 'idle',
  dryRun: true,
  nodes: {},
  edges: {},
  steps: [],
  resumes: [],
  pendingInput: {},
  openStep: {},
}

const FIRST_VISIT = { inputFrom: null, visits: 1 }

export function newTrace(runId: string): RunTrace {
  return { ...EMPTY_TRACE, runId, status: 'running' }
}

/**
 * Folds trace events (DESIGN §4) into the canvas state. One batch copies each map at most
 * once, so replaying a stored run of thousands of events is one pass, and untouched nodes
 * keep their entry objects (their components do not re-render). Which edges were ruled out
 * comes from the engine (`edge.skipped`): the canvas never re-derives a run's path.
 */
export function applyTraceEvents(prev: RunTrace, events: readonly TraceEvent[]): RunTrace {
  const t: RunTrace = { ...prev }
  let nodesCopied = false
  let edgesCopied = false
  let stepsCopied = false
  const nodes = () => {
    if (!nodesCopied) t.nodes = { ...t.nodes }
    nodesCopied = true
    return t.nodes
  }
  const edges = () => {
    if (!edgesCopied) {
      t.edges = { ...t.edges }
      t.pendingInput = { ...t.pendingInput }
    }
    edgesCopied = true
    return t.edges
  }
  const steps = () => {
    if (!stepsCopied) {
      t.steps = [...t.steps]
      t.openStep = { ...t.openStep }
    }
    stepsCopied = true
    return t.steps
  }
  const updateStep = (nodeId: string, patch: Partial<TraceStep>) => {
    const list = steps()
    const i = t.openStep[nodeId]
    if (i === undefined) return
    list[i] = { ...list[i], ...patch }
  }
  /** Sets a node's status, and that of its open step, when the node is in one of `from`. */
  const moveNode = (nodeId: string, from: NodeRunStatus[], to: NodeRunStatus, stepTo: StepStatus = to) => {
    const before = t.nodes[nodeId]
    if (!before || !from.includes(before.status)) return
    nodes()[nodeId] = { ...before, status: to }
    if (t.openStep[nodeId] !== undefined && t.steps[t.openStep[nodeId]].status === before.status)
      updateStep(nodeId, { status: stepTo })
  }
  const ruleOut = (edgeId: string) => {
    if (t.edges[edgeId] !== 'taken') edges()[edgeId] = 'ruled-out'
  }

  for (const e of events) {
    if (t.runId && e.runId !== t.runId) continue
    switch (e.type) {
      case 'run.started': {
        // Announced again after a restart: nothing had been checkpointed, so the run started
        // over. It still began the first time.
        const last = t.resumes.at(-1)
        if (t.startedAt && last?.reason === 'restart')
          t.resumes = [...t.resumes.slice(0, -1), { ...last, startedOver: true }]
        t.status = 'running'
        t.dryRun = e.dryRun
        t.startedAt ??= e.at
        t.event = e.event
        break
      }
      case 'node.started': {
        const before = t.nodes[e.nodeId]
        nodes()[e.nodeId] = {
          status: 'running',
          startedAt: e.at,
          attempt: e.attempt,
          inputFrom: t.pendingInput[e.nodeId] ?? null,
          visits: (before?.visits ?? 0) + (e.attempt && e.attempt > 1 ? 0 : 1),
        }
        const list = steps()
        t.openStep[e.nodeId] = list.length
        list.push({ nodeId: e.nodeId, status: 'running', at: e.at, attempt: e.attempt })
        break
      }
      case 'node.finished': {
        const before = t.nodes[e.nodeId]
        nodes()[e.nodeId] = {
          ...(before ?? FIRST_VISIT),
          status: 'succeeded',
          durationMs: e.durationMs,
          output: e.output,
          error: undefined,
          request: e.request,
          requests: e.requests,
          mocked: e.mocked,
          skippedWait: e.skippedWait,
        }
        updateStep(e.nodeId, { status: 'succeeded', durationMs: e.durationMs })
        break
      }
      case 'node.failed': {
        const before = t.nodes[e.nodeId]
        nodes()[e.nodeId] = {
          ...(before ?? FIRST_VISIT),
          status: 'failed',
          durationMs: e.durationMs,
          error: e.error,
          output: e.output,
          attempt: e.attempt ?? before?.attempt,
          continued: e.continued,
        }
        updateStep(e.nodeId, { status: 'failed', durationMs: e.durationMs, error: e.error })
        break
      }
      case 'node.skipped': {
        if (!t.nodes[e.nodeId]) nodes()[e.nodeId] = { status: 'skipped', inputFrom: null, visits: 0 }
        steps().push({ nodeId: e.nodeId, status: 'skipped', at: e.at })
        break
      }
      case 'edge.taken': {
        edges()[e.edgeId] = 'taken'
        t.pendingInput[e.target] = e.source
        break
      }
      case 'edge.skipped':
        ruleOut(e.edgeId)
        break
      case 'run.suspended':
        t.status = 'waiting'
        t.waitingUntil = e.until
        t.waitingFor = {
          nodeId: e.nodeId,
          kind: e.for ?? 'time',
          ...(e.until ? { until: e.until } : {}),
          ...(e.title !== undefined ? { title: e.title } : {}),
          ...(e.assignees ? { assignees: e.assignees } : {}),
        }
        moveNode(e.nodeId, ['running'], 'waiting')
        break
      case 'run.resumed': {
        const { reason } = e
        t.status = 'running'
        t.waitingUntil = undefined
        t.waitingFor = undefined
        t.resumes = [
          ...t.resumes,
          {
            at: e.at,
            reason,
            nodeId: e.nodeId,
            beforeStep: t.steps.length,
            ...(e.branch !== undefined ? { branch: e.branch } : {}),
            ...(e.by !== undefined ? { by: e.by } : {}),
          },
        ]
        if (reason !== 'restart') {
          if (e.nodeId) moveNode(e.nodeId, ['waiting'], 'running')
          break
        }
        // A step cut off by the restart runs again from the checkpoint: the repeat is the
        // same visit, not another one.
        for (const [id, n] of Object.entries(t.nodes)) {
          if (n.status !== 'running') continue
          nodes()[id] = { ...n, visits: Math.max(0, n.visits - 1) }
          updateStep(id, { status: 'cut-off' })
        }
        break
      }
      case 'run.finished':
        t.status = e.status
        t.durationMs = e.durationMs
        t.error = e.error
        t.waitingUntil = undefined
        t.waitingFor = undefined
        if (e.status === 'cancelled')
          for (const id of Object.keys(t.nodes)) moveNode(id, ['running', 'waiting'], 'cancelled')
        break
    }
  }
  return t
}

/** What a node received: the output of the node that fired into it, or the event for a start. */
export function inputOf(trace: RunTrace, nodeId: string): unknown {
  const from = trace.nodes[nodeId]?.inputFrom
  return from ? trace.nodes[from]?.output : trace.event
}

/** The path a run took, as a test case expects it. */
export function pathOf(trace: RunTrace): { ran: string[]; notRan: string[] } {
  const ran: string[] = []
  const notRan: string[] = []
  for (const [id, n] of Object.entries(trace.nodes)) {
    if (n.status === 'succeeded' || (n.status === 'failed' && n.continued)) ran.push(id)
    else if (n.status === 'skipped') notRan.push(id)
  }
  const byNumber = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true })
  return { ran: ran.sort(byNumber), notRan: notRan.sort(byNumber) }
}

/** Step durations run from microseconds (transforms) to seconds (HTTP): keep them readable. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return ''
  if (ms < 1) return '<1 ms'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}
