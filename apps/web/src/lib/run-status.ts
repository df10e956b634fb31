/**
 * A stored run's lifecycle as the server reports it (DESIGN §4, durability): every run
 * that was accepted ends as succeeded, failed, or cancelled by a person.
 */
export const RUN_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

const ACTIVE = new Set<string>(['queued', 'running', 'waiting'])
const RETRYABLE = new Set<string>(['failed', 'cancelled'])

export const isRunStatus = (value: unknown): value is RunStatus =>
  typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value)

/** Not finished yet: its trace may still grow, and a person may cancel it. */
export const isActiveRun = (status: string): boolean => ACTIVE.has(status)
export const canCancelRun = isActiveRun
/** Retrying makes a new run with the same event, version, mocks and mode: only after it went wrong. */
export const canRetryRun = (status: string): boolean => RETRYABLE.has(status)

/**
 * "14:05" today, "Tue 3 Jun, 14:05" on another day: a wait is read against the clock, so
 * the date only shows when it is not today.
 */
export function clockLabel(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return ''
  const t = new Date(iso)
  if (Number.isNaN(t.getTime())) return ''
  const time = t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  if (t.toDateString() === now.toDateString()) return time
  const date = t.toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(t.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  })
  return `${date}, ${time}`
}

/** "until 14:05" today, "until Tue 3 Jun, 14:05" on another day; empty without a time. */
export function waitingUntilLabel(until: string | null | undefined, now = new Date()): string {
  const when = clockLabel(until, now)
  return when ? `until ${when}` : ''
}

/** What a waiting run waits for: a time (plain waits), an event, or a person's decision. */
export type WaitKind = 'time' | 'event' | 'approval'

export interface WaitSummary {
  kind: WaitKind
  /** When it goes on (time) or gives up (event, approval); none: no limit. */
  until?: string | null
  /** Approvals: roles and e-mail addresses that may decide. */
  assignees?: readonly string[]
  /** Event waits: the step's `correlate` expression (undefined: its default, `userId`). */
  correlate?: string
}

/** Who an incoming event has to come from, in a marketer's words. */
function correlationLabel(correlate: string | undefined): string {
  const expr = (correlate ?? 'userId').trim()
  if (expr === '') return 'from anyone'
  if (expr === 'userId') return 'same user'
  if (expr === 'anonymousId') return 'same anonymous visitor'
  return `same ${expr}`
}

/** Long assignee lists shorten to the first few and a count. */
export function assigneesLabel(assignees: readonly string[], max = 3): string {
  if (assignees.length <= max) return assignees.join(', ')
  return `${assignees.slice(0, max).join(', ')} +${assignees.length - max}`
}

/**
 * "Waiting until 14:05", "Waiting for an event (same user) until Tue 3 Jun, 14:05",
 * "Waiting for approval by editor, ana@example.com until 14:05": one line that says what a
 * waiting run needs to go on.
 */
export function describeWait(wait: WaitSummary, now = new Date()): string {
  const until = waitingUntilLabel(wait.until, now)
  const what =
    wait.kind === 'event'
      ? `Waiting for an event (${correlationLabel(wait.correlate)})`
      : wait.kind === 'approval'
        ? `Waiting for approval${wait.assignees?.length ? ` by ${assigneesLabel(wait.assignees)}` : ''}`
        : 'Waiting'
  return until ? `${what} ${until}` : what
}

/** The branches a test run's tester may pick at a step waiting for an event or a decision. */
export const WAIT_BRANCHES: Record<Exclude<WaitKind, 'time'>, readonly string[]> = {
  event: ['received', 'timeout'],
  approval: ['approved', 'rejected', 'timeout'],
}

/** What ended a wait, in words: "Approved by ana@…", "Event received", "Timed out". */
export function resumeText(resume: {
  reason: 'wait' | 'restart' | 'timeout' | 'event' | 'approval' | 'choice'
  branch?: string
  by?: string
}): string {
  const by = resume.by ? ` by ${resume.by}` : ''
  switch (resume.reason) {
    case 'wait':
      return 'Resumed after the wait'
    case 'timeout':
      return 'Timed out: nothing came in time'
    case 'event':
      return 'Event received'
    case 'approval':
      return `${resume.branch === 'rejected' ? 'Rejected' : 'Approved'}${by}`
    case 'choice':
      return `Picked “${resume.branch ?? '?'}”${by} (test run)`
    case 'restart':
      return 'Resumed after restart'
  }
}

/** A server message after "Already decided: ": it continues the sentence. */
export function alreadyDecided(message: string): string {
  return `Already decided: ${message.charAt(0).toLowerCase()}${message.slice(1)}`
}

/** What started a run that no person started (the webhook, a schedule, a source); null for people's runs. */
export function automaticTrigger(trigger: string): string | null {
  switch (trigger) {
    case 'webhook':
      return 'Segment webhook'
    case 'schedule':
      return 'Schedule'
    case 'source':
      return 'Segment source'
    default:
      return null
  }
}
