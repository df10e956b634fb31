import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const RECEIVED = 'received'
export const TIMEOUT = 'timeout'

export const waitForEventConfigSchema = z.object({
  filter: z
    .string()
    .optional()
    .describe(
      'JSONata over the incoming event: which events count, e.g. event = "Offer Accepted". Empty: any event',
    ),
  correlate: z
    .string()
    .default('userId')
    .describe(
      "JSONata over an event, evaluated on this run's event and on the incoming one: the event must give the same value (default: the same user). Empty: any event that passes the filter",
    ),
  timeout: z
    .union([z.number().nonnegative(), z.string()])
    .optional()
    .describe('How long to wait before taking the "timeout" branch: "3d", "12h", PT30M … Empty: no limit'),
})
export type WaitForEventConfig = z.infer<typeof waitForEventConfigSchema>

export const waitForEventSpec: NodeSpec<WaitForEventConfig> = {
  id: 'wait-for-event',
  title: 'Wait for event',
  category: 'flow',
  icon: 'M22 12h-6l-2 3h-4l-2-3H2M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z',
  description:
    'Pauses the run until a matching event arrives at this workflow (the same user, by default): "received" goes on with that event, "timeout" when none came in time. Test runs let you pick the branch.',
  shape: 'diamond',
  configSchema: waitForEventConfigSchema,
  defaultConfig: { filter: '', correlate: 'userId', timeout: '3d' },
  sideEffect: false,
  durationFields: ['timeout'],
  expressionFields: ['filter', 'correlate'],
  routing: 'one',
  branchLabels: () => [RECEIVED, TIMEOUT],
  exampleOutput: { type: 'track', event: 'Offer Accepted', userId: 'u-1' },
}
