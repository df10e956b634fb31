import type { Workflow } from '../src/model/schema'

/**
 * The sample files of a template (name → JSON value), derived from its test cases (the `.flow` file stays the one
 * source of truth): per case `<case>.json`, the event, and `<case>.<node>.json` per mock, so
 * any case can be replayed by hand:
 *
 *   npx flowline run packages/engine/templates/ab-test.flow \
 *     --event packages/engine/templates/samples/ab-test/<case>.json \
 *     --mock n3=packages/engine/templates/samples/ab-test/<case>.n3.json
 *
 * write-samples.ts writes them (then formats them in the repository's JSON style); a test
 * keeps them in sync.
 */
export function sampleFiles(workflow: Workflow): Map<string, unknown> {
  const files = new Map<string, unknown>()
  for (const test of workflow.tests ?? []) {
    const name = caseFileName(test.name)
    if (files.has(`${name}.json`)) throw new Error(`two test cases are both named like "${name}"`)
    files.set(`${name}.json`, test.event)
    for (const [node, output] of Object.entries(test.mocks ?? {})) files.set(`${name}.${node}.json`, output)
  }
  return files
}

const MAX_NAME = 80

/** "no answer within 7 days counts as a no" → "no-answer-within-7-days-counts-as-a-no". */
export function caseFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (slug.length <= MAX_NAME) return slug || 'case'
  const cut = slug.slice(0, MAX_NAME + 1)
  const dash = cut.lastIndexOf('-')
  return dash > MAX_NAME / 2 ? cut.slice(0, dash) : cut.slice(0, MAX_NAME)
}
