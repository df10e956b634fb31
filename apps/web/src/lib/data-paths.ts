import type { Workflow } from './engine'
import { exampleOutputOf } from './specs'

/** One field a step can read: the JSONata path the engine evaluates, and a sample of its value. */
export interface DataPath {
  path: string
  /** The last part, for the picker's list (`userId`, `traits.email`). */
  name: string
  sample: string
}

/** The fields of one source of data (the event, or an earlier step), as the picker groups them. */
export interface DataSource {
  /** What a marketer recognises: "Event", or the step's label. */
  title: string
  /** `event`, `steps.n3` or `vars`. */
  root: string
  /** Where the fields come from: a real run, or the node type's example output. */
  origin: 'sample' | 'last run' | 'example'
  paths: DataPath[]
}

const MAX_DEPTH = 5
const MAX_PATHS = 200
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** A JSONata path step: plain names as they are, anything else in backticks. */
export const pathStep = (key: string) => (IDENTIFIER.test(key) ? key : `\`${key.replace(/`/g, '')}\``)

function sampleOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `list of ${value.length}`
  if (typeof value === 'object') return 'object'
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

/**
 * Every field of a value as a JSONata path below `root`, objects first-level first. Lists are
 * one field (JSONata maps over them); their first item's fields are offered as `list.field`.
 */
export function listPaths(value: unknown, root: string): DataPath[] {
  const out: DataPath[] = []
  const walk = (v: unknown, path: string, name: string, depth: number) => {
    if (out.length >= MAX_PATHS) return
    if (depth > 0) out.push({ path, name, sample: sampleOf(v) })
    if (depth >= MAX_DEPTH) return
    const inner = Array.isArray(v) ? v[0] : v
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return
    for (const [key, child] of Object.entries(inner as Record<string, unknown>)) {
      const step = pathStep(key)
      walk(child, `${path}.${step}`, depth === 0 ? key : `${name}.${key}`, depth + 1)
    }
  }
  walk(value, root, '', 0)
  return out
}

/** Nodes whose output can reach `nodeId`: every ancestor along incoming edges, nearest first. */
export function upstreamOf(graph: Pick<Workflow, 'edges'>, nodeId: string): string[] {
  const seen = new Set<string>([nodeId])
  const order: string[] = []
  let frontier = [nodeId]
  while (frontier.length > 0) {
    const next: string[] = []
    for (const id of frontier)
      for (const e of graph.edges)
        if (e.target === id && !seen.has(e.source)) {
          seen.add(e.source)
          order.push(e.source)
          next.push(e.source)
        }
    frontier = next
  }
  return order
}

/** What a step gives before it has run: a Transform its variables (its default output), else its type's example. */
function exampleOutput(node: Workflow['nodes'][number]): unknown {
  const config = (node.config ?? {}) as { vars?: Record<string, unknown>; output?: string }
  if (node.type === 'transform' && config.vars && !config.output)
    return Object.fromEntries(Object.keys(config.vars).map((name) => [name, 'value']))
  return exampleOutputOf(node)
}

/** Node types whose output is the event itself: the picker shows that once, as "Event". */
const PASSES_EVENT = new Set(['start', 'schedule', 'end', 'pass-through', 'wait'])

/**
 * What the picker offers in a field of `nodeId`: the sample event's fields, then each earlier
 * step's output (from the last test run when it ran there, else its type's example output),
 * then the variables earlier Transform steps set.
 */
export function dataSourcesFor(
  graph: Pick<Workflow, 'nodes' | 'edges'>,
  nodeId: string,
  event: unknown,
  runOutputs: Record<string, { output?: unknown } | undefined>,
): DataSource[] {
  const sources: DataSource[] = []
  if (event !== undefined)
    sources.push({ title: 'Event', root: 'event', origin: 'sample', paths: listPaths(event, 'event') })
  const vars: DataPath[] = []
  for (const id of upstreamOf(graph, nodeId)) {
    const node = graph.nodes.find((n) => n.id === id)
    if (!node) continue
    const type = node.type ?? ''
    const config = (node.config ?? {}) as { vars?: Record<string, unknown> }
    if (type === 'transform' && config.vars)
      for (const name of Object.keys(config.vars))
        vars.push({ path: `vars.${pathStep(name)}`, name, sample: `set by ${node.label || id}` })
    if (PASSES_EVENT.has(type) || (!type && node.shape !== 'diamond')) continue
    const ran = runOutputs[id]
    const output = ran && ran.output !== undefined ? ran.output : exampleOutput(node)
    const root = `steps.${pathStep(id)}`
    const paths = listPaths(output, root)
    // A scalar output (a decision's value) is the step itself.
    if (paths.length === 0) paths.push({ path: root, name: 'value', sample: sampleOf(output) })
    sources.push({
      title: node.label || id,
      root,
      origin: ran && ran.output !== undefined ? 'last run' : 'example',
      paths,
    })
  }
  if (vars.length > 0) sources.push({ title: 'Variables', root: 'vars', origin: 'example', paths: vars })
  return sources
}

/** The sample event as typed in the run panel, or undefined while it is not valid JSON. */
export function parseSampleEvent(text: string): unknown {
  try {
    return text.trim() ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}

/** A path's steps (`steps.n3.\`first name\`` → steps, n3, first name). */
function stepsOf(path: string): string[] {
  return [...path.matchAll(/`([^`]*)`|([^.`]+)/g)].map((m) => m[1] ?? m[2])
}

/**
 * The value a plain field reference has in a run's scope — a lookup, not a JSONata evaluation,
 * so the run view can show what a rule's field held without running user text again.
 */
export function resolvePath(path: string, scope: Record<string, unknown>): unknown {
  let value: unknown = scope
  for (const key of stepsOf(path)) {
    if (Array.isArray(value)) value = value.map((v) => (v as Record<string, unknown> | null)?.[key])
    else if (value !== null && typeof value === 'object') value = (value as Record<string, unknown>)[key]
    else return undefined
  }
  return value
}

/** "Welcome e-mail › accepted" for `steps.n3.accepted`, "Event › userId" for `event.userId`. */
export function readablePath(path: string, nodes: Pick<Workflow, 'nodes'>['nodes']): string {
  const [root, ...rest] = stepsOf(path)
  if (root === 'steps' && rest.length > 0) {
    const node = nodes.find((n) => n.id === rest[0])
    return [node?.label || rest[0], ...rest.slice(1)].join(' › ')
  }
  return [root === 'event' ? 'Event' : root === 'vars' ? 'Variables' : root, ...rest].join(' › ')
}
