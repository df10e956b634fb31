import type { z } from 'zod'
import type { Shape } from '../model/schema'

export type NodeCategory = 'trigger' | 'flow' | 'data' | 'integration' | 'messaging'

/**
 * The serializable description of a node type (DESIGN §7). The web imports specs only
 * and builds inspector forms from `configSchema`; server and CLI pair them with executors.
 */
export interface NodeSpec<C = unknown> {
  id: string
  title: string
  category: NodeCategory
  /** A short emoji or glyph shown on the canvas node and in the palette. */
  icon: string
  description: string
  shape: Shape
  configSchema: z.ZodType<C>
  /** Config a freshly dropped node starts with. */
  defaultConfig: C
  /** External side effects: skipped in dry runs (the request is recorded instead). */
  sideEffect: boolean
  /** Names of config fields that hold JSONata expressions (validated as you type). */
  expressionFields?: string[]
}
