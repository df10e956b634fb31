import type { NodeExecutor } from '../types'
import type { ScheduleConfig } from './spec'

/** What a scheduled run starts from: the occurrence it stands for. */
export interface ScheduleEvent {
  type: 'schedule'
  /** The scheduled time (ISO 8601, UTC), not the moment the run happened to start. */
  timestamp: string
}

function isScheduleEvent(event: unknown): event is ScheduleEvent {
  const e = event as Partial<ScheduleEvent> | null
  return e?.type === 'schedule' && typeof e.timestamp === 'string'
}

/**
 * The output is the occurrence the run stands for. The server's scheduler passes it as the
 * event; a test run, started with a sample event, gets the run clock's time instead.
 */
export const scheduleExecutor: NodeExecutor<ScheduleConfig, null> = {
  prepare: () => null,
  execute: (_p, ctx) => {
    const event = ctx.scope.event
    if (isScheduleEvent(event)) return { output: { type: 'schedule', timestamp: event.timestamp } }
    return { output: { type: 'schedule', timestamp: new Date(ctx.now()).toISOString() } }
  },
}
