import type { z } from 'zod'
import type { Shape } from '../model/schema'
import type { ConnectionType } from './shared/connections'

export type NodeCategory = 'trigger' | 'flow' | 'data' | 'integration' | 'messaging'

/**
 * The serializable description of a node type (DESIGN §7). The web imports specs only
 * and builds inspector forms from `configSchema`; server and CLI pair them with executors.
 */
export interface NodeSpec<C = unknown> {
  id: string
  title: string
  category: NodeCategory
  /**
   * Trigger types: a node of this type is where runs start, whatever its edges (DESIGN §4).
   * `'event'`: events posted to the workflow (its hook, its Segment sources) and test runs
   * start there. `'schedule'`: only the runs the server's scheduler starts at that node
   * (`RunOptions.startAt`), or test runs of a workflow without an event trigger.
   */
  trigger?: 'event' | 'schedule'
  /**
   * SVG path data of a line icon on a 24×24 grid (stroked, lucide style), drawn on the canvas
   * node, in the palette and the inspector: a new type brings its own picture.
   */
  icon: string
  description: string
  shape: Shape
  configSchema: z.ZodType<C>
  /** Config a freshly dropped node starts with. */
  defaultConfig: C
  /**
   * External side effects: in dry runs the request is recorded instead of sent. Some
   * types decide per node (an HTTP GET is read-only): see `sideEffectNote`.
   */
  sideEffect: boolean
  /** When a node of this type may differ from `sideEffect`, a sentence saying how. */
  sideEffectNote?: string
  /** Names of config fields that hold JSONata expressions (validated as you type). */
  expressionFields?: string[]
  /** Config fields holding `{{ expr }}` text templates (e.g. URLs, subjects). */
  templateFields?: string[]
  /**
   * Config fields holding a duration ("90s", "15m", "3d", ISO 8601 or milliseconds): the
   * inspector edits them as a number and a unit.
   */
  durationFields?: string[]
  /** Config fields holding secrets: masked in forms, never recorded in traces. */
  secretFields?: string[]
  /**
   * The config field naming a connection (credentials kept encrypted by the server), the
   * connection type it must have, and whether the step needs one (always, or depending on the
   * config: an HTTP request to a path needs the connection's base URL). The inspector shows a
   * connection picker for it; validation checks the reference.
   */
  connection?: { field: string; type: ConnectionType; required: boolean | ((config: C) => boolean) }
  /**
   * Types spreading the shared error-handling fields (`onError`, `retries`) into their
   * config: see shared/spec-fields.ts. Other types always fail the run on an error.
   */
  errorHandling?: boolean
  /**
   * How the run goes on after a node of this type (DESIGN §4). `'one'`: the step returns the
   * label of the one outgoing edge it takes (`StepOutcome.branch`), every other edge is ruled
   * out, and an edge labelled `error` is an ordinary branch. Otherwise (`'all'`, the default)
   * every outgoing edge fires.
   */
  routing?: 'one' | 'all'
  /**
   * Types whose branches are a fixed set of labels (A/B variants, `received`/`timeout`): the
   * labels a config allows. Validation checks edge labels against them. Decisions, whose
   * labels are conditions, leave it out.
   */
  branchLabels?: (config: C) => string[]
  /**
   * A plausible output, offered as the starting point of a mock (DESIGN §4: an HTTP step's is
   * `{status, headers, body}`).
   */
  exampleOutput?: unknown
}

/** Whether a node of this type with this config must name a connection. */
export function needsConnection(spec: Pick<NodeSpec, 'connection'> | undefined, config: unknown): boolean {
  const required = spec?.connection?.required
  if (typeof required !== 'function') return required === true
  try {
    return required((config ?? {}) as never)
  } catch {
    return false
  }
}

/** The spec's routing: only `'one'` types choose a branch. */
export const routesOne = (spec: Pick<NodeSpec, 'routing'> | undefined): boolean => spec?.routing === 'one'
