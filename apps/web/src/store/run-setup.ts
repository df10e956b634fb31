import { personalizationEvents, type TestCase, type Workflow, type WorkflowNode } from '../lib/engine'
import { exampleOutputOf } from '../lib/specs'
import type { MockDraft, RunSetup } from './types'

export interface SampleEvent {
  id: string
  label: string
  event: unknown
  mocks?: Record<string, unknown>
}

/**
 * The Segment-spec calls every workflow can be tried with (the personalization template's
 * samples: realistic context, traits and ids), one per call type n4 distinguishes.
 */
export const SAMPLE_EVENTS: SampleEvent[] = [
  { id: 'page', label: 'page — Trail running shoes', event: personalizationEvents['page-push'] },
  {
    id: 'order-completed',
    label: 'track — "Order Completed"',
    event: personalizationEvents['purchase-push'],
  },
  { id: 'signed-up', label: 'track — "Signed Up"', event: personalizationEvents['signup-email'] },
  { id: 'identify', label: 'identify — new user traits', event: personalizationEvents['identify-push'] },
]

export const DEFAULT_SAMPLE = 'order-completed'

const pretty = (v: unknown) => JSON.stringify(v, null, 2)

/** A saved test case as a library entry: its event together with its mocks. */
export const testCaseSampleId = (index: number) => `test:${index}`

export function sampleById(id: string, graph: Workflow): SampleEvent | undefined {
  if (id.startsWith('test:')) {
    const t = graph.tests?.[Number(id.slice(5))]
    return t ? { id, label: t.name, event: t.event, mocks: t.mocks } : undefined
  }
  return SAMPLE_EVENTS.find((s) => s.id === id)
}

export function mocksToDrafts(mocks: Record<string, unknown> | undefined): MockDraft[] {
  return Object.entries(mocks ?? {}).map(([nodeId, value]) => ({ nodeId, text: pretty(value) }))
}

export function setupFromSample(sample: SampleEvent): RunSetup {
  return { sample: sample.id, eventText: pretty(sample.event), mocks: mocksToDrafts(sample.mocks) }
}

export function defaultRunSetup(): RunSetup {
  return setupFromSample(SAMPLE_EVENTS.find((s) => s.id === DEFAULT_SAMPLE)!)
}

/** Where the JSON is wrong, in words a marketer can act on ("line 3, column 7: …"). */
export function jsonError(text: string): string | null {
  try {
    JSON.parse(text)
    return null
  } catch (err) {
    const message = (err as Error).message
    const m = /at position (\d+)/.exec(message)
    if (!m || /\(line \d+ column \d+\)/.test(message)) return message
    const pos = Number(m[1])
    const before = text.slice(0, pos)
    const line = before.split('\n').length
    const column = pos - before.lastIndexOf('\n')
    return `Line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`
  }
}

export interface ParsedSetup {
  event?: Record<string, unknown>
  mocks?: Record<string, unknown>
  /** Problems keyed by what they are about: 'event' or a node id. */
  errors: Record<string, string>
}

/** The run input the setup describes, or why it cannot run yet. */
export function parseSetup(setup: RunSetup, graph: Workflow): ParsedSetup {
  const errors: Record<string, string> = {}
  let event: Record<string, unknown> | undefined
  const eventProblem = jsonError(setup.eventText)
  if (eventProblem) errors.event = eventProblem
  else {
    const value = JSON.parse(setup.eventText) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      errors.event = 'The event must be a JSON object (a Segment call such as {"type": "track", …})'
    else event = value as Record<string, unknown>
  }
  const mocks: Record<string, unknown> = {}
  const ids = new Set(graph.nodes.map((n) => n.id))
  for (const m of setup.mocks) {
    const problem = jsonError(m.text)
    if (!ids.has(m.nodeId)) errors[m.nodeId] = `There is no node ${m.nodeId} in this workflow`
    else if (problem) errors[m.nodeId] = problem
    else mocks[m.nodeId] = JSON.parse(m.text)
  }
  return {
    event,
    mocks: Object.keys(mocks).length > 0 ? mocks : undefined,
    errors,
  }
}

/** A mock starts from the node type's example output (an HTTP step's is `{status, headers, body}`). */
export function mockTemplate(node: Pick<WorkflowNode, 'type' | 'shape'> | undefined): string {
  return pretty(exampleOutputOf(node))
}

export function testCaseFromSetup(
  name: string,
  parsed: Required<Pick<ParsedSetup, 'event'>> & Pick<ParsedSetup, 'mocks'>,
  path: { ran: string[]; notRan: string[] },
): TestCase {
  return {
    name,
    event: parsed.event,
    ...(parsed.mocks ? { mocks: parsed.mocks } : {}),
    ...(path.ran.length ? { expectRan: path.ran } : {}),
    ...(path.notRan.length ? { expectNotRan: path.notRan } : {}),
  }
}
