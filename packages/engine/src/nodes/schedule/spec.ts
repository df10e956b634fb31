import { z } from 'zod'
import type { NodeSpec } from '../spec'
import { cronProblem, DEFAULT_TIMEZONE, timezoneProblem } from './cron'

export const scheduleConfigSchema = z.object({
  cron: z
    .string()
    .superRefine((cron, ctx) => {
      const problem = cronProblem(cron)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
    .describe('5 fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5" (9:00 on weekdays)'),
  timezone: z
    .string()
    .superRefine((timezone, ctx) => {
      const problem = timezoneProblem(timezone)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
    .optional()
    .describe('IANA time zone the cron is read in, e.g. "Europe/Paris"; empty: UTC'),
})
export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>

export const scheduleSpec: NodeSpec<ScheduleConfig> = {
  id: 'schedule',
  title: 'Schedule',
  category: 'trigger',
  trigger: 'schedule',
  icon: 'M12 2a10 10 0 1 0 0 20 10 10 0 1 0 0-20zM12 6v6l4 2M4 4l3 3M20 4l-3 3',
  description:
    'Starts the workflow at the times of a cron expression, in a time zone, once it is published; its output is {type: "schedule", timestamp}. A time missed while the server was down runs once when it is back.',
  shape: 'circle',
  configSchema: scheduleConfigSchema,
  defaultConfig: { cron: '0 9 * * *', timezone: DEFAULT_TIMEZONE },
  sideEffect: false,
  exampleOutput: { type: 'schedule', timestamp: '2026-01-05T09:00:00.000Z' },
}
