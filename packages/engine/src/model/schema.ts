import { z } from 'zod'

/** The workflow model of DESIGN §2 (contract). zod is the single source of truth for types and checks. */
export const sideSchema = z.enum(['top', 'right', 'bottom', 'left'])
export type Side = z.infer<typeof sideSchema>

export const shapeSchema = z.enum(['circle', 'rectangle', 'diamond'])
export type Shape = z.infer<typeof shapeSchema>

export const positionSchema = z.object({ x: z.number(), y: z.number() })
export type Position = z.infer<typeof positionSchema>

export const groupSchema = z.object({ id: z.string(), title: z.string() })
export type Group = z.infer<typeof groupSchema>

export const nodeSchema = z.object({
  id: z.string(),
  group: z.string().nullable(),
  shape: shapeSchema,
  label: z.string(),
  type: z.string().optional(),
  config: z.unknown().optional(),
  position: positionSchema.optional(),
})
export type WorkflowNode = z.infer<typeof nodeSchema>

export const edgeSchema = z.object({
  id: z.string(),
  source: z.string(),
  sourceHandle: sideSchema,
  target: z.string(),
  targetHandle: sideSchema,
  label: z.string().optional(),
})
export type WorkflowEdge = z.infer<typeof edgeSchema>

/**
 * A saved test case (Flowline extension): a sample event, mocks that pin node outputs,
 * the expected path, and JSONata assertions evaluated against `{event, steps, vars}`.
 */
export const testCaseSchema = z.object({
  name: z.string(),
  event: z.unknown(),
  mocks: z.record(z.string(), z.unknown()).optional(),
  expectRan: z.array(z.string()).optional(),
  expectNotRan: z.array(z.string()).optional(),
  assertions: z.array(z.string()).optional(),
})
export type TestCase = z.infer<typeof testCaseSchema>

export const workflowSchema = z.object({
  title: z.string(),
  description: z.string(),
  groups: z.array(groupSchema),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  /** Omitted (not `[]`) when a workflow has no test cases, so seed models stay exactly §2. */
  tests: z.array(testCaseSchema).optional(),
})
export type Workflow = z.infer<typeof workflowSchema>

export const emptyWorkflow = (title = 'Untitled workflow'): Workflow => ({
  title,
  description: '',
  groups: [],
  nodes: [],
  edges: [],
})
