/**
 * Writes `samples/<template>/` for every registered template whose samples come from its test
 * cases (see sample-files.ts); the personalization template has its own, from generate.ts.
 *
 *   node --import tsx packages/engine/templates/write-samples.ts
 *
 * Node-only by design: nothing imports it.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from '../src/dsl/parser'
import { templates } from './index'
import { sampleFiles } from './sample-files'

// generate.ts writes these from personalization-samples.ts, under names the app and tests use.
const OWN_SAMPLES = new Set(['personalization'])

const here = dirname(fileURLToPath(import.meta.url))
const written: string[] = []
for (const template of templates) {
  if (OWN_SAMPLES.has(template.id)) continue
  const file = join(here, template.file)
  const { workflow, diagnostics } = parse(readFileSync(file, 'utf8'), { file })
  if (!workflow) {
    for (const d of diagnostics) console.error(`${file}:${d.line}:${d.column}: ${d.message}`)
    process.exit(1)
  }
  const dir = join(here, 'samples', template.id)
  mkdirSync(dir, { recursive: true })
  // Files of renamed or deleted cases go, so the folder holds exactly the current cases.
  for (const old of readdirSync(dir)) if (old.endsWith('.json')) rmSync(join(dir, old))
  const files = sampleFiles(workflow)
  for (const [name, value] of files) writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`)
  written.push(dir)
  console.log(`wrote ${files.size} files to ${dir}/`)
}
// In the repository's JSON style, so `npm run lint` passes on them as written.
execFileSync(join(here, '../../../node_modules/.bin/biome'), ['format', '--write', ...written], {
  stdio: 'inherit',
})
