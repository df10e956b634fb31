import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const dataStoreConfigSchema = z.object({
  store: z
    .string()
    .trim()
    .min(1, 'name the store')
    .describe('Name of the store; every workflow using the same name shares it'),
  operation: z.enum(['get', 'set', 'delete', 'increment']).default('get'),
  key: z.string().min(1, 'the key needs an expression').describe('JSONata giving the key, e.g. event.userId'),
  value: z.string().optional().describe('JSONata: the value to set, or how much to increment by (default 1)'),
  ttl: z
    .string()
    .optional()
    .describe('With set and increment: how long the value lives, e.g. "15m", "3d", "P30D"'),
})
export type DataStoreConfig = z.infer<typeof dataStoreConfigSchema>

export const dataStoreSpec: NodeSpec<DataStoreConfig> = {
  id: 'data-store',
  title: 'Data store',
  category: 'data',
  icon: 'M3 5a9 3 0 1 0 18 0 9 3 0 1 0-18 0M21 12c0 1.66-4 3-9 3s-9-1.34-9-3M3 5v14c0 1.66 4 3 9 3s9-1.34 9-3V5',
  description:
    'Reads or writes a value in a named store shared by all runs: get, set, delete or increment, with an optional time to live. Test runs read but never write.',
  shape: 'rectangle',
  configSchema: dataStoreConfigSchema,
  defaultConfig: { store: 'counters', operation: 'get', key: 'event.userId' },
  sideEffect: true,
  durationFields: ['ttl'],
  sideEffectNote: 'Only set, delete and increment change the store; test runs record those writes instead.',
  expressionFields: ['key', 'value'],
  exampleOutput: { found: true, value: 3 },
}
