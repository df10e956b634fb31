import { z } from 'zod'
import type { NodeSpec } from '../spec'

const arm = (name: string) =>
  z
    .object({
      conversions: z.string().min(1, `${name}.conversions needs an expression`),
      exposures: z.string().min(1, `${name}.exposures needs an expression`),
    })
    .describe(`{conversions, exposures}: JSONata giving variant ${name.toUpperCase()}'s counts`)

export const significanceConfigSchema = z.object({
  a: arm('a'),
  b: arm('b'),
  alpha: z
    .number()
    .gt(0, 'alpha is above 0')
    .lt(1, 'alpha is below 1')
    .default(0.05)
    .describe('Significance level of the two-sided test'),
})
export type SignificanceConfig = z.infer<typeof significanceConfigSchema>

export const significanceSpec: NodeSpec<SignificanceConfig> = {
  id: 'significance',
  title: 'Significance test',
  category: 'data',
  icon: 'M3 3v18h18M8 17v-4M13 17V7M18 17v-8',
  description:
    'Compares the conversion rates of A and B with a two-sided pooled two-proportion z-test: rates, lift, z, p-value and the winner when significant.',
  shape: 'rectangle',
  configSchema: significanceConfigSchema,
  defaultConfig: {
    a: { conversions: 'vars.a.conversions', exposures: 'vars.a.exposures' },
    b: { conversions: 'vars.b.conversions', exposures: 'vars.b.exposures' },
    alpha: 0.05,
  },
  sideEffect: false,
  exampleOutput: {
    rateA: 0.1,
    rateB: 0.12,
    lift: 0.2,
    z: 2.44,
    pValue: 0.0147,
    significant: true,
    winner: 'b',
  },
}
