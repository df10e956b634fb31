/**
 * Regenerates the personalization template from the seed structure plus
 * personalization-config.ts, printed canonically, and the sample files beside it:
 *
 *   node --import tsx packages/engine/templates/generate.ts [SEED.flow]
 *
 * Without an argument the structure is read back from personalization.flow itself (its
 * ids, shapes, labels, groups and edges are the seed's), so the file stays the source of
 * truth and re-running this is a no-op unless the config changed. Node-only by design:
 * nothing imports it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from '../src/dsl/parser'
import { format } from '../src/dsl/printer'
import { applyPersonalization } from './personalization-config'
import { personalizationEvents, personalizationMocks } from './personalization-samples'

const here = dirname(fileURLToPath(import.meta.url))
const target = join(here, 'personalization.flow')
const source = process.argv[2] ?? target
const { workflow, diagnostics } = parse(readFileSync(source, 'utf8'), { file: source })
if (!workflow) {
  for (const d of diagnostics) console.error(`${source}:${d.line}:${d.column}: ${d.message}`)
  process.exit(1)
}
const strip = {
  ...workflow,
  nodes: workflow.nodes.map(({ type: _t, config: _c, ...n }) => n),
}
writeFileSync(target, format(applyPersonalization(strip)))
const samples = join(here, 'samples', 'personalization')
mkdirSync(samples, { recursive: true })
for (const [name, value] of Object.entries({ ...personalizationEvents, ...personalizationMocks })) {
  writeFileSync(join(samples, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`)
}
console.log(`wrote ${target} and ${samples}/`)
