import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const startConfigSchema = z.object({
  filter: z
    .string()
    .optional()
    .describe(
      'JSONata over {event}: a falsy result means the event is not for this workflow (answered 200 {"skipped":true}, no run). Empty: every event',
    ),
})
export type StartConfig = z.infer<typeof startConfigSchema>

export const startSpec: NodeSpec<StartConfig> = {
  id: 'start',
  title: 'Segment event',
  category: 'trigger',
  trigger: 'event',
  icon: 'M13 2 3 14h9l-1 8 10-12h-9l1-8z',
  description:
    'Starts the workflow when a Segment event (track, page, identify …) arrives; its output is the event. An optional filter turns away events that are not for this workflow.',
  shape: 'circle',
  configSchema: startConfigSchema,
  defaultConfig: {},
  sideEffect: false,
  expressionFields: ['filter'],
}
