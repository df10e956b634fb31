import type { Workflow } from '../../model/schema'
import { getNodeSpec } from '../specs'
import { DEFAULT_TIMEZONE } from './cron'
import { type ScheduleConfig, scheduleConfigSchema } from './spec'

/** One schedule a published workflow registers with the server's scheduler. */
export interface ScheduleTrigger {
  nodeId: string
  /** Normalized: single spaces between the 5 fields. */
  cron: string
  timezone: string
}

/**
 * The schedules of a workflow: its schedule triggers whose config is valid (validation
 * keeps a version with an invalid one from being published).
 */
export function scheduleTriggers(workflow: Workflow): ScheduleTrigger[] {
  const out: ScheduleTrigger[] = []
  for (const node of workflow.nodes) {
    if (!node.type || getNodeSpec(node.type)?.trigger !== 'schedule') continue
    const parsed = scheduleConfigSchema.safeParse(node.config ?? {})
    if (!parsed.success) continue
    const config: ScheduleConfig = parsed.data
    out.push({
      nodeId: node.id,
      cron: config.cron.trim().split(/\s+/).join(' '),
      timezone: config.timezone?.trim() || DEFAULT_TIMEZONE,
    })
  }
  return out
}
