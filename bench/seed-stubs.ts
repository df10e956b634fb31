/**
 * The seed template as the in-process benchmarks run it (run encoding, run memory): every
 * Braze step on one stub connection, and the answers the stub APIs give.
 */
import { readFileSync } from 'node:fs'
import { parseNotation, type ResolvedConnection, type Workflow } from '../apps/server/src/services/engine'

export const STUB_BRAZE: ResolvedConnection = {
  id: 'braze',
  name: 'Braze',
  type: 'braze',
  config: { restEndpoint: 'https://rest.example.braze.com' },
  secret: 'bench-key',
}

/** personalization.flow with its Braze steps on STUB_BRAZE. */
export function seedModel(): Workflow {
  const model = parseNotation(
    readFileSync(new URL('../packages/engine/templates/personalization.flow', import.meta.url), 'utf8'),
  )
  for (const n of model.nodes)
    if (n.type?.startsWith('braze-')) n.config = { ...(n.config as object), connectionId: STUB_BRAZE.id }
  return model
}

/** The body a stub answers `url` with: a confident recommendation, or Braze's success. */
export const stubAnswer = (url: string): string =>
  url.includes('recommend')
    ? '{"confidence":0.9,"recommendations":[{"id":"p1","title":"Trail shoe","score":0.9}]}'
    : '{"message":"success","dispatch_id":"d-1"}'
