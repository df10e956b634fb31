import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const startConfigSchema = z.object({})
export type StartConfig = z.infer<typeof startConfigSchema>

export const startSpec: NodeSpec<StartConfig> = {
  id: 'start',
  title: 'Segment event',
  category: 'trigger',
  icon: '⚡',
  description:
    'Starts the workflow when a Segment event (track, page, identify …) arrives; its output is the event.',
  shape: 'circle',
  configSchema: startConfigSchema,
  defaultConfig: {},
  sideEffect: false,
}
