import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const decisionConfigSchema = z.object({
  subject: z
    .string()
    .default('')
    .describe('JSONata; each outgoing edge label is a condition on its value: "page", "> 0.7", "else"'),
})
export type DecisionConfig = z.infer<typeof decisionConfigSchema>

export const decisionSpec: NodeSpec<DecisionConfig> = {
  id: 'decision',
  title: 'Decision',
  category: 'flow',
  icon: 'M6 3v12M18 3a3 3 0 1 0 0 6 3 3 0 1 0 0-6zM6 15a3 3 0 1 0 0 6 3 3 0 1 0 0-6zM18 9a9 9 0 0 1-9 9',
  description:
    'Evaluates its subject and follows exactly one outgoing edge: the first whose label matches (a value means equality; > >= < <= != compare), else the "else" edge.',
  shape: 'diamond',
  configSchema: decisionConfigSchema,
  defaultConfig: { subject: '' },
  sideEffect: false,
  expressionFields: ['subject'],
  routing: 'one',
  exampleOutput: 'page',
}
