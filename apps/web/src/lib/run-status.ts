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
 * "until 14:05" today, "until Tue 3 Jun, 14:05" on another day: a wait is read against
 * the clock, so the date only shows when it is not today.
 */
export function waitingUntilLabel(until: string | null | undefined, now = new Date()): string {
  if (!until) return ''
  const t = new Date(until)
  if (Number.isNaN(t.getTime())) return ''
  const time = t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  const sameDay = t.toDateString() === now.toDateString()
  if (sameDay) return `until ${time}`
  const date = t.toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(t.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  })
  return `until ${date}, ${time}`
}
