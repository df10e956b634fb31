import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const endConfigSchema = z.object({})
export type EndConfig = z.infer<typeof endConfigSchema>

export const endSpec: NodeSpec<EndConfig> = {
  id: 'end',
  title: 'End',
  category: 'flow',
  icon: 'M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1zM4 22v-7',
  description:
    'Marks where the workflow finishes. Reaching it is optional: a run also ends when nothing is left to do.',
  shape: 'circle',
  configSchema: endConfigSchema,
  defaultConfig: {},
  sideEffect: false,
}
