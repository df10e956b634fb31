import { useMemo } from 'react'
import { DEFAULT_TIMEZONE, nextTimes, scheduleProblem } from '../lib/engine'

const COUNT = 3

export type ScheduleView =
  | { ok: true; timezone: string; times: { iso: string; text: string }[] }
  | { ok: false; problem: string }

/**
 * What the inspector shows under a schedule's settings: its next times after `now`, written
 * in the schedule's own zone (croner, as the server computes them), or why it cannot run.
 */
export function describeSchedule(config: unknown, now: number, locale?: string): ScheduleView {
  const c = (config ?? {}) as { cron?: unknown; timezone?: unknown }
  if (typeof c.cron !== 'string' || c.cron.trim() === '')
    return { ok: false, problem: 'Enter a cron expression' }
  const timezone = typeof c.timezone === 'string' && c.timezone.trim() ? c.timezone.trim() : DEFAULT_TIMEZONE
  const problem = scheduleProblem(c.cron, timezone)
  if (problem) return { ok: false, problem }
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  })
  const times = nextTimes(c.cron, timezone, now, COUNT).map((t) => ({
    iso: new Date(t).toISOString(),
    text: format.format(t),
  }))
  return { ok: true, timezone, times }
}

/** The next run times of a schedule trigger (or its problem), below its settings. */
export function ScheduleTimes({ config }: { config: unknown }) {
  // Recomputed when the settings change; the list is a preview, not a clock.
  const view = useMemo(() => describeSchedule(config, Date.now()), [config])
  if (!view.ok)
    return (
      <p
        className="mb-3 rounded-md bg-red-50 px-2.5 py-1.5 text-[12px] leading-snug text-red-700"
        data-testid="schedule-problem"
      >
        {view.problem}
      </p>
    )
  return (
    <div className="mb-3" data-testid="schedule-next-runs">
      <div className="mb-1 text-[12px] font-medium text-slate-600">Next runs ({view.timezone})</div>
      {view.times.length === 0 ? (
        <p className="text-[12px] text-slate-400">None: the schedule does not come round again.</p>
      ) : (
        <ul className="space-y-0.5 font-mono text-[12px] text-slate-700">
          {view.times.map((t) => (
            <li key={t.iso}>
              <time dateTime={t.iso}>{t.text}</time>
            </li>
          ))}
        </ul>
      )}
      <p className="mt-1 text-[11.5px] text-slate-400">
        Once published; a time missed while the server is down runs once when it is back.
      </p>
    </div>
  )
}
