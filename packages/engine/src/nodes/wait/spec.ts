import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const waitConfigSchema = z
  .object({
    duration: z
      .union([z.number().nonnegative(), z.string()])
      .optional()
      .describe('How long: milliseconds, "90s" / "15m" / "2h" / "1d", or ISO 8601 like PT2H or P1DT12H'),
    until: z
      .string()
      .optional()
      .describe('Or until a time: JSONata giving an ISO timestamp or epoch milliseconds'),
  })
  .refine((c) => (c.duration === undefined) !== (c.until === undefined), {
    message: 'set either duration or until',
  })
export type WaitConfig = z.infer<typeof waitConfigSchema>

export const waitSpec: NodeSpec<WaitConfig> = {
  id: 'wait',
  title: 'Wait',
  category: 'flow',
  icon: 'M12 2a10 10 0 1 0 0 20 10 10 0 1 0 0-20zM12 6v6l4 2',
  description:
    'Pauses the run for a duration or until a time. Live runs suspend and resume later; test runs skip the wait on a virtual clock.',
  shape: 'rectangle',
  configSchema: waitConfigSchema,
  defaultConfig: { duration: 'PT1H' },
  sideEffect: false,
  durationFields: ['duration'],
  expressionFields: ['until'],
}
