import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { templates } from '../../templates'
import { sampleFiles } from '../../templates/sample-files'
import { parse } from '../dsl/parser'
import { format } from '../dsl/printer'
import type { Workflow } from '../model/schema'
import { getNodeSpec } from '../nodes/specs'
import { validate } from '../validate/validate'
import { testFile } from './test'

const dir = new URL('../../templates/', import.meta.url)
const flowFiles = readdirSync(dir).filter((f) => f.endsWith('.flow'))

describe('templates/', () => {
  it('registers every .flow file beside it, once, under its own name', () => {
    expect(templates.map((t) => t.file).sort()).toEqual([...flowFiles].sort())
    for (const t of templates) expect(t.file).toBe(`${t.id}.flow`)
  })

  describe.each(templates.map((t) => [t.id, t] as const))('%s', (id, template) => {
    const source = readFileSync(new URL(template.file, dir), 'utf8')
    const parsed = parse(source, { file: template.file })
    const workflow = parsed.workflow as Workflow

    it('parses, validates without errors or warnings, and is canonical (a format fixed point)', () => {
      expect(parsed.diagnostics).toEqual([])
      expect(validate(workflow)).toEqual([])
      expect(format(workflow)).toBe(source)
      expect(parse(format(workflow)).workflow).toEqual(workflow)
    })

    it('configures every node with a type and names the connection kinds its steps need', () => {
      for (const node of workflow.nodes) {
        expect(node.type, node.id).toBeDefined()
        expect(node.config, node.id).toBeDefined()
      }
      const kinds = new Set(workflow.nodes.map((n) => getNodeSpec(n.type ?? '')?.connection?.type))
      kinds.delete(undefined)
      // HTTP steps whose url is a path below a connection's base URL need an http connection too.
      if (workflow.nodes.some((n) => n.type === 'http-request' && !/^https?:/.test(urlOf(n.config))))
        kinds.add('http')
      else kinds.delete('http')
      expect([...kinds].sort()).toEqual([...template.connections].sort())
      expect(workflow.nodes.every((n) => !/example\.(com|org)\/|\.invalid\b/.test(urlOf(n.config)))).toBe(
        true,
      )
    })

    it('passes its test cases, which run every node and take every edge', async () => {
      const report = await testFile(fileURLToPath(new URL(template.file, dir)))
      const failures = report.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.failures.join('; ')}`)
      expect(failures).toEqual([])
      expect(report.cases.length).toBeGreaterThan(1)
      expect(report.coverage?.nodes.missed).toEqual([])
      expect(report.coverage?.edges.missed).toEqual([])
    })

    it.runIf(id !== 'personalization')('has its sample files in sync (write-samples.ts)', () => {
      const expected = sampleFiles(workflow)
      const samples = new URL(`samples/${id}/`, dir)
      expect(readdirSync(samples).sort()).toEqual([...expected.keys()].sort())
      for (const [name, value] of expected)
        expect(JSON.parse(readFileSync(new URL(name, samples), 'utf8')), name).toEqual(value)
    })
  })
})

function urlOf(config: unknown): string {
  const url = (config as { url?: unknown } | undefined)?.url
  return typeof url === 'string' ? url : ''
}
