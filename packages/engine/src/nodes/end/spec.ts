import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const endConfigSchema = z.object({})
export type EndConfig = z.infer<typeof endConfigSchema>

export const endSpec: NodeSpec<EndConfig> = {
  id: 'end',
  title: 'End',
  category: 'flow',
  icon: '■',
  description:
    'Marks where the workflow finishes. Reaching it is optional: a run also ends when nothing is left to do.',
  shape: 'circle',
  configSchema: endConfigSchema,
  defaultConfig: {},
  sideEffect: false,
}
