import { pathToFileURL } from 'node:url'
import { parse } from '../packages/engine/src/dsl/parser'
import { format } from '../packages/engine/src/dsl/printer'
import type { Workflow } from '../packages/engine/src/model/schema'
import { validate } from '../packages/engine/src/validate/validate'
import { generateWorkflow } from './generate-workflow'

const RUNS = 21
const WARMUP = 5

/** Median and best of RUNS timed calls after WARMUP untimed ones (the best shows the cost without noise). */
function time(fn: () => void): { median: number; best: number } {
  for (let i = 0; i < WARMUP; i++) fn()
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    fn()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)], best: times[0] }
}

function checked(workflow: Workflow): string {
  const source = format(workflow)
  const result = parse(source)
  if (!result.workflow)
    throw new Error(`generated workflow does not parse: ${result.diagnostics[0]?.message}`)
  return source
}

/**
 * Parse, format and validate times for 10,000 nodes / 15,000 edges (targets: parse ≤ 50 ms,
 * validate ≤ 20 ms). Parse is timed on a seed-style drawing and on a configured workflow
 * (types, JSON configs, positions); format and validate on the configured one.
 */
export async function benchDsl(): Promise<void> {
  const configured = generateWorkflow()
  const drawing = generateWorkflow(10_000, 15_000, true)
  const configuredSource = checked(configured)
  const drawingSource = checked(drawing)
  const errors = validate(configured).filter((i) => i.severity === 'error')
  if (errors.length > 0) throw new Error(`generated workflow has errors: ${errors[0].message}`)
  const mb = (text: string) => `${(text.length / 1e6).toFixed(2)} MB`
  console.log(
    `  ${configured.nodes.length} nodes, ${configured.edges.length} edges; median (best) of ${RUNS} runs after ${WARMUP} warm-up`,
  )
  const row = (name: string, t: { median: number; best: number }, target?: number) => {
    const verdict =
      target === undefined
        ? ''
        : `  target ≤ ${target} ms${t.median <= target ? '' : t.best <= target ? ' (met by best run only)' : ' (missed)'}`
    console.log(`  ${name.padEnd(32)} ${t.median.toFixed(1).padStart(6)} ms (${t.best.toFixed(1)})${verdict}`)
  }
  row(
    `parse, drawing ${mb(drawingSource)}`,
    time(() => parse(drawingSource)),
    50,
  )
  row(
    `parse, configured ${mb(configuredSource)}`,
    time(() => parse(configuredSource)),
    50,
  )
  row(
    'format, configured',
    time(() => format(configured)),
  )
  row(
    'validate, configured',
    time(() => validate(configured)),
    20,
  )
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchDsl()
