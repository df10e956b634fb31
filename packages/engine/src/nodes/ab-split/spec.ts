import { z } from 'zod'
import type { NodeSpec } from '../spec'

const variantSchema = z.object({
  label: z.string().trim().min(1, 'a variant needs a label (its edge label)'),
  weight: z.number().nonnegative('a weight is 0 or more'),
})

export const abSplitConfigSchema = z.object({
  variants: z
    .array(variantSchema)
    .min(2, 'an A/B split needs at least two variants')
    .default([
      { label: 'A', weight: 50 },
      { label: 'B', weight: 50 },
    ])
    .refine((vs) => vs.some((v) => v.weight > 0), 'at least one variant needs a weight above 0')
    .refine((vs) => new Set(vs.map((v) => v.label)).size === vs.length, 'variant labels must differ')
    .describe('[{label, weight}]: each label is an outgoing edge label; shares follow the weights'),
  key: z
    .string()
    .default('event.userId')
    .describe('JSONata: who is split; the same key always takes the same variant'),
})
export type AbSplitConfig = z.infer<typeof abSplitConfigSchema>

export const abSplitSpec: NodeSpec<AbSplitConfig> = {
  id: 'ab-split',
  title: 'A/B split',
  category: 'flow',
  icon: 'M16 3h5v5M8 3H3v5M12 22v-8.3a4 4 0 0 0-1.172-2.872L3 3M15 9l6-6',
  description:
    'Sends each user down one variant, by weight: the same key (default the user id) always takes the same branch.',
  shape: 'diamond',
  configSchema: abSplitConfigSchema,
  defaultConfig: {
    variants: [
      { label: 'A', weight: 50 },
      { label: 'B', weight: 50 },
    ],
    key: 'event.userId',
  },
  sideEffect: false,
  expressionFields: ['key'],
  routing: 'one',
  branchLabels: (config) => config.variants.map((v) => v.label),
  exampleOutput: { variant: 'A', bucket: 0.42 },
}
