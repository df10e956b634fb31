import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const generateSecretConfigSchema = z.object({
  bytes: z
    .number()
    .int()
    .min(16, 'at least 16 bytes (128 bits)')
    .max(128, 'at most 128 bytes')
    .default(32)
    .describe('Random bytes, 16–128: 32 gives 256 bits'),
  encoding: z.enum(['base64url', 'hex']).default('base64url'),
  prefix: z
    .string()
    .max(32)
    .regex(/^[A-Za-z0-9_.-]*$/, 'letters, digits, "_", "." and "-" only')
    .optional()
    .describe('Text before the random part, e.g. "sk_live_"'),
})
export type GenerateSecretConfig = z.infer<typeof generateSecretConfigSchema>

export const generateSecretSpec: NodeSpec<GenerateSecretConfig> = {
  id: 'generate-secret',
  title: 'Generate secret',
  category: 'data',
  icon: 'M2.586 17.414A2 2 0 0 0 2 18.828V21a1 1 0 0 0 1 1h3a1 1 0 0 0 1-1v-1a1 1 0 0 1 1-1h1a1 1 0 0 0 1-1v-1a1 1 0 0 1 1-1h.172a2 2 0 0 0 1.414-.586l.814-.814a6.5 6.5 0 1 0-4-4zM16.5 7.5a.5.5 0 1 0 1 0 .5.5 0 1 0-1 0',
  description:
    'Makes a random secret (a token, a password) for later steps: steps.<id>.secret. It is never stored or shown in clear: traces, run records and logs show its fingerprint, and a run that waits keeps it encrypted. Output: {secret, fingerprint}.',
  shape: 'rectangle',
  configSchema: generateSecretConfigSchema,
  defaultConfig: { bytes: 32, encoding: 'base64url' },
  sideEffect: false,
  exampleOutput: { secret: 'example-not-a-secret', fingerprint: 'sha256:1f0c2a9e' },
}
