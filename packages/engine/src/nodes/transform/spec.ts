import { z } from 'zod'
import { errorHandlingShape } from '../shared/spec-fields'
import type { NodeSpec } from '../spec'

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export const transformConfigSchema = z.object({
  vars: z
    .record(z.string().regex(VAR_NAME, 'a variable name is letters, digits and _'), z.string())
    .default({})
    .describe(
      'Variables to set: name → JSONata. Evaluated in order; later ones can read earlier ones as vars.name',
    ),
  output: z
    .string()
    .optional()
    .describe(
      'JSONata for the step output (steps.<id>); default: the variables just set, or the input when none',
    ),
  // onError: fail (default) | retry (with retries) | continue along the step's `error` edge.
  ...errorHandlingShape,
})
export type TransformConfig = z.infer<typeof transformConfigSchema>

export const transformSpec: NodeSpec<TransformConfig> = {
  id: 'transform',
  title: 'Transform',
  category: 'data',
  icon: 'M16 3h5v5M4 20 21 3M21 16v5h-5M15 15l6 6M4 4l5 5',
  description: 'Maps data with JSONata into the step output and into workflow variables (vars).',
  shape: 'rectangle',
  configSchema: transformConfigSchema,
  defaultConfig: { vars: {} },
  sideEffect: false,
  expressionFields: ['vars', 'output'],
  errorHandling: true,
}
