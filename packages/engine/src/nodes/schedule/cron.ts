import { Cron } from 'croner'

/**
 * Cron arithmetic for schedule triggers, on croner (browser and Node alike): the engine
 * validates with it, the inspector shows the next times with it, and the server's scheduler
 * (embedded loop and BullMQ repeat strategy) computes each next time with it, so all of them
 * agree on DST gaps and repeated hours.
 */

export const DEFAULT_TIMEZONE = 'UTC'
const FIELDS = 'minute hour day-of-month month day-of-week'

// Compiled patterns by "cron|timezone": the scheduler asks for the same few again and again.
const compiled = new Map<string, Cron>()

function compile(cron: string, timezone: string): Cron {
  const key = `${cron}|${timezone}`
  let job = compiled.get(key)
  if (!job) {
    job = new Cron(cron, { paused: true, timezone, mode: '5-part' })
    if (compiled.size >= 1_000) compiled.clear()
    compiled.set(key, job)
  }
  return job
}

/** Why a cron expression cannot schedule anything, or null when it can. */
export function cronProblem(cron: string): string | null {
  const fields = cron.trim().split(/\s+/).filter(Boolean)
  if (fields.length !== 5)
    return `a cron expression has 5 fields (${FIELDS}), e.g. "0 9 * * 1-5"; "${cron}" has ${fields.length}`
  let job: Cron
  try {
    job = compile(fields.join(' '), DEFAULT_TIMEZONE)
  } catch (err) {
    return `"${cron}" is not a valid cron expression: ${((err as Error).message ?? '').replace(/^CronPattern: /, '')}`
  }
  // Checked over several years: a leap day (0 0 29 2 *) is a real, if rare, schedule.
  if (job.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) return `"${cron}" never matches a date`
  return null
}

/** Why a time zone name is not usable, or null for an IANA zone the runtime knows. */
export function timezoneProblem(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone })
  } catch {
    return `"${timezone}" is not an IANA time zone (e.g. "Europe/Paris", "America/New_York", "UTC")`
  }
  return null
}

/** The schedule's problem: its cron's, then its time zone's; null when it schedules. */
export function scheduleProblem(cron: string, timezone = DEFAULT_TIMEZONE): string | null {
  return cronProblem(cron) ?? timezoneProblem(timezone)
}

/**
 * The next `count` times (epoch ms) strictly after `after`, in the schedule's time zone. A
 * time in a DST gap runs at the first valid minute after it; a time that occurs twice runs once.
 * Throws for an invalid schedule (see scheduleProblem).
 */
export function nextTimes(cron: string, timezone: string, after: number, count = 1): number[] {
  const job = compile(cron.trim().split(/\s+/).join(' '), timezone || DEFAULT_TIMEZONE)
  const out: number[] = []
  let from = new Date(after)
  for (let i = 0; i < count; i++) {
    const next = job.nextRun(from)
    if (!next) break
    out.push(next.getTime())
    from = next
  }
  return out
}

/** The first time strictly after `after`, or null when the schedule never comes round again. */
export function nextTime(cron: string, timezone: string, after: number): number | null {
  return nextTimes(cron, timezone, after, 1)[0] ?? null
}
